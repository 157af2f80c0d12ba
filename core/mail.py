"""What sending an e-mail can raise that is worth trying again, for every task that mails."""

import smtplib

# A refused, reset or timed-out connection to the mail server and the server's own refusals:
# transient as far as a task can tell, so tasks retry them with backoff. SMTPException is an
# OSError already; it is named for the reader. Anything else is a bug and must surface.
MAIL_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPException, OSError)

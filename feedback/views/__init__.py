"""Pages of the feedback app, one module per topic; `feedback/urls.py` routes to each module.

Every page runs a fixed number of queries whatever the amount of data behind it; lists paginate.
Business-rule refusals (an illegal step) come back as a message at the top of the page; input
errors as the form again with each error next to its field. Nothing is saved on either.
"""

"""The wording of the survey demo: comments per survey and score band, suggestions, themes.

Comments are short, the way customers type them into a survey box. Each survey has comments for
low, middling and high scores; some only fit a period of the demo year (SwiftParcel's bad spell,
the new support call-back), and are used there instead of the usual ones now and then.
"""

import re

# Score bands: "low" (NPS 0-6, CSAT 1-2, CES 1-3), "mid" (NPS 7-8, CSAT 3, CES 4) and "high".
Comments = dict[str, tuple[str, ...]]

COMMENTS: dict[str, Comments] = {
    "buy": {
        "low": (
            "The heat pump arrived damaged and the installation had to be moved. Not impressed.",
            "Price was fine but the delivery was a mess, three dates before it came.",
            "Nobody could tell me when the installation would be. I had to chase every step.",
            "The app kept losing the connection to the thermostat in the first weeks.",
            "Hidden costs for the pipework showed up after I had paid.",
            "Too many e-mails, none of them with the information I needed.",
        ),
        "mid": (
            "Good product, the delivery took longer than promised.",
            "Installation was fine, but the website could explain the options better.",
            "All right in the end, though it took a few phone calls.",
            "Decent price. The app is still a bit confusing.",
            "Installer was friendly, the planning before that was slow.",
        ),
        "high": (
            "Smooth from order to installation. The engineer explained everything.",
            "Friendly people, fair price, and the heat pump is quiet.",
            "Very happy with the thermostat and the app, easy to set up.",
            "Delivered on time and installed the next day. Exactly as promised.",
            "Clear advice on the website, no surprises on the invoice.",
            "Already told my neighbours about you.",
        ),
    },
    "support": {
        "low": (
            "Waited 40 minutes on hold and then the line dropped.",
            "I had to explain the problem three times to three different people.",
            "The engineer came without the part, so a second visit was needed.",
            "Promised a call back that never came.",
            "The replacement part took over a week to arrive.",
        ),
        "mid": (
            "Problem solved, but it took longer than it should.",
            "Helpful staff, long waiting time on the phone.",
            "Fixed in the end. Would have liked an update in between.",
            "The help centre did not have my question, chat sorted it out.",
        ),
        "high": (
            "Fixed at the first call, very helpful agent.",
            "The engineer was on time and friendly, and solved it in one visit.",
            "Quick answer in the chat and a clear explanation.",
            "They called back the next morning as promised. Great service.",
            "Patient and polite on the phone, even though I was annoyed.",
        ),
    },
    "renew": {
        "low": (
            "The renewal price went up a lot without any explanation.",
            "I was charged twice for the contract renewal.",
            "The maintenance visit was never planned, yet I paid for it.",
            "The renewal e-mail ended up in my spam and the contract lapsed.",
        ),
        "mid": (
            "Renewal was easy, the price could be lower.",
            "Fine, but I had to call to understand the new contract terms.",
            "OK service. The yearly maintenance was a bit rushed.",
        ),
        "high": (
            "Renewed in two clicks on the account page. Easy.",
            "Fair price and the maintenance visit is always planned for me.",
            "The engineer who does the yearly check is always friendly and on time.",
            "Clear offer, no surprises on the direct debit.",
        ),
    },
    "delivery": {
        "low": (
            "Delivered a day late and nobody let me know.",
            "The box was dented and the unit had scratches.",
            "Parcel left with a neighbour without asking.",
            "Courier came outside the time slot, I had taken the morning off.",
            "Tracking said delivered but nothing arrived.",
        ),
        "mid": (
            "Arrived fine, but the delivery window was very wide.",
            "Delivered on the right day, late in the evening though.",
            "OK, the tracking page was not updated.",
        ),
        "high": (
            "Delivered on the promised day, driver carried it in.",
            "On time and well packed.",
            "Got a text the evening before with the time. Perfect.",
            "Quick delivery, friendly driver.",
        ),
    },
    "installation": {
        "low": (
            "The engineer arrived three hours after the time slot.",
            "Left a mess behind and the pipework looks sloppy.",
            "The heat pump is much noisier than we were told.",
            "Installation not finished, a second visit needed for the controls.",
            "Nobody explained how the app and thermostat work.",
        ),
        "mid": (
            "Good work, but the engineer arrived late.",
            "Installed well. The outdoor unit is louder than expected.",
            "Fine installation, the explanation of the app was short.",
        ),
        "high": (
            "Tidy installation, the engineer cleaned up everything.",
            "Arrived on time, explained the thermostat and the app patiently.",
            "Very professional installers, the heat pump runs quietly.",
            "Friendly and careful engineers. Working perfectly.",
        ),
    },
    "phone": {
        "low": (
            "On hold for half an hour, then transferred and cut off.",
            "The agent did not know the product and could not help.",
            "I was promised a call back that never came.",
            "Had to repeat my customer number and problem three times.",
        ),
        "mid": (
            "Helpful agent, but the waiting time was long.",
            "Got an answer, had to call twice though.",
            "Friendly, but I still needed an engineer visit.",
        ),
        "high": (
            "Answered quickly and the agent solved it right away.",
            "Friendly and knew exactly what to do.",
            "Short wait, clear explanation. Thanks!",
        ),
    },
    "chat": {
        "low": (
            "The chat bot kept looping, I never reached a person.",
            "Waited 20 minutes in the chat queue.",
            "The chat closed while I was typing and I had to start over.",
        ),
        "mid": (
            "Got help eventually, the first answers were generic.",
            "OK, but I had to send the same photos twice.",
        ),
        "high": (
            "Quick and friendly chat, sorted in five minutes.",
            "A real person answered within a minute. Great.",
            "Helpful chat, they sent me the right help centre article.",
        ),
    },
    "engineer": {
        "low": (
            "The engineer did not have the part with him; another week of waiting.",
            "Arrived late and left without fixing it.",
            "The repair took two visits and the system is still noisy.",
        ),
        "mid": (
            "Fixed, but the visit was only planned after a week.",
            "Good engineer, the appointment slot was too wide.",
        ),
        "high": (
            "Fixed in one visit, on time and friendly.",
            "The engineer explained what was wrong and how to avoid it.",
            "Came the next day and solved it. Very happy.",
        ),
    },
    "maintenance": {
        "low": (
            "The yearly service was never planned, I had to call myself.",
            "Engineer came late and rushed the check.",
            "Charged for the visit although it is in my contract.",
        ),
        "mid": (
            "Fine check, but I had to take a whole morning off.",
            "Good visit, the report came two weeks later.",
        ),
        "high": (
            "Planned for me, on time, and explained the settings.",
            "Thorough check, friendly engineer.",
            "Easy as always, the heat pump runs better after the service.",
        ),
    },
    "effort": {
        "low": (
            "I had to call three times before anyone understood the problem.",
            "Waited on hold for ages and then had to explain everything again.",
            "Nobody called back as promised, I had to chase it.",
            "The help centre sent me in circles.",
        ),
        "mid": (
            "Took a few steps, but it got sorted.",
            "Reasonable, the waiting time was the hardest part.",
        ),
        "high": (
            "One call and it was solved.",
            "Very easy, the chat sorted it out straight away.",
            "Easy: they called me back at the time I chose.",
        ),
    },
    "complaint": {
        "low": (
            "My complaint took weeks and the answer did not solve anything.",
            "Nobody kept me informed about my complaint.",
            "The refund is still not on my account.",
        ),
        "mid": (
            "Solved in the end, but it took too long.",
            "Fair answer, the communication could have been better.",
        ),
        "high": (
            "Taken seriously and solved quickly. Thank you.",
            "They kept me informed at every step, and the refund came fast.",
            "Friendly handling and a fair solution.",
        ),
    },
    "enps": {
        "low": (
            "Too much work in the winter peak and not enough people.",
            "We hear about changes from customers before we hear them internally.",
        ),
        "mid": (
            "Nice colleagues, the planning tools are slow.",
            "Good team, more training on new products would help.",
        ),
        "high": (
            "Great colleagues and we get to fix things that bother customers.",
            "I feel listened to since the improvement ideas board started.",
        ),
    },
}

# Comments that only fit part of the year, used now and then instead of the usual ones.
TROUBLE_COMMENTS: Comments = {
    "low": (
        "SwiftParcel delivered the box crushed, the installation had to be cancelled.",
        "Third time a parcel from you arrives damaged. What is going on with your courier?",
        "Delivered four days late and the packaging was broken.",
        "The courier lost my parcel and nobody could tell me where it was.",
    ),
    "mid": (
        "It came in the end, two days late and with a dented box.",
        "The unit was fine but the box was damaged and delivery was late.",
    ),
}
CALLBACK_COMMENTS: Comments = {
    "mid": ("The call-back came at the time I chose, that helped.",),
    "high": (
        "Love the new call-back: no waiting on hold, they called at the time I picked.",
        "Booked a call-back slot online and they called exactly then. Easy.",
        "No more waiting on hold, they called me back within the hour.",
    ),
}

# One thing to improve, per survey (asked by the surveys that ask for it).
IMPROVEMENTS: dict[str, tuple[str, ...]] = {
    "buy": (
        "Show the full installation price before checkout.",
        "Give one contact person from order to installation.",
        "Send a text the evening before delivery with a time slot.",
        "Explain the app during the installation visit.",
    ),
    "support": (
        "Let me book a call-back instead of waiting on hold.",
        "Make sure the engineer brings the right part the first time.",
        "Send an update when my ticket changes.",
    ),
    "renew": (
        "Explain why the price changes at renewal.",
        "Plan the maintenance visit when I renew.",
    ),
    "delivery": (
        "Pack the units better, with corner protection.",
        "Use a courier that keeps the time slot.",
        "Ask before leaving a parcel with the neighbours.",
    ),
    "installation": (
        "Send a photo of the engineer and an arrival time on the day.",
        "Leave a printed guide for the thermostat and the app.",
    ),
    "effort": (
        "Let me choose a call-back time online.",
        "Pass my notes on so I do not have to repeat myself.",
        "Put the answer to common error codes in the help centre.",
    ),
    "complaint": (
        "Send a short update every few days while a complaint is open.",
        "Pay refunds faster.",
    ),
}

# Themes, with the words that tag a comment or complaint with them (whole words, any case).
THEME_KEYWORDS: dict[str, tuple[str, str]] = {
    "Delivery damage": (
        "Parcels and units that arrive dented, crushed or broken.",
        r"damaged?|dented|crushed|broken|scratch\w*|cracked|packaging|packed",
    ),
    "Late delivery": (
        "Deliveries after the promised day or outside the promised window.",
        r"delivered (?:a day |\w+ days )?late|courier|parcels?|tracking|promised day",
    ),
    "Waiting time": (
        "Time spent on hold, in queues or waiting for an appointment.",
        r"on hold|wait\w*|queue|took (?:longer|ages)|long",
    ),
    "Billing errors": (
        "Wrong or double charges, invoices, refunds.",
        r"invoices?|charged|billing|refunds?|direct debit|double charges?",
    ),
    "Engineer punctuality": (
        "Engineers arriving outside the agreed slot, or on time.",
        r"time slot|slot|arrived late|came late|on time|arrival time",
    ),
    "App & smart controls": (
        "The Brightline app, thermostats and smart controls.",
        r"app|thermostats?|smart|controls|connection",
    ),
    "Communication": (
        "Being kept informed, called back, told what happens next.",
        r"informed|updates?|call[- ]back|called back|explain\w*|nobody told|e-mails?|let me know",
    ),
    "Friendly staff": (
        "Praise for helpful, patient and friendly people.",
        r"friendly|polite|patient\w*|helpful|professional",
    ),
    "Price": (
        "Price levels, hidden costs, value for money.",
        r"price|prices|expensive|hidden costs|costs?|fair price",
    ),
    "Installation quality": (
        "How well equipment is installed and the site left behind.",
        r"installation|installed|pipework|tidy|mess|sloppy",
    ),
    "Noise": (
        "Noisy heat pumps and outdoor units.",
        r"noise|noisy|noisier|loud|louder|quiet\w*|humming",
    ),
    "Contract & renewal": (
        "Service contracts, renewals and the yearly maintenance.",
        r"contracts?|renewal|renewed|renew|maintenance|yearly (?:service|check)",
    ),
    "Website": (
        "The web shop, checkout, account page and help centre.",
        r"website|checkout|account page|help centre|online",
    ),
}
THEME_PATTERNS = {
    name: re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)
    for name, (_description, pattern) in THEME_KEYWORDS.items()
}


def themes_of(text: str) -> list[str]:
    """Return the names of the themes whose words occur in a text."""
    return [name for name, pattern in THEME_PATTERNS.items() if pattern.search(text)]

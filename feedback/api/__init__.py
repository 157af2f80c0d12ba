"""REST API of the feedback app: complaints and their life cycle, SLA policies, ideas, kudos.

Serializers check the shape and types of the input only; every write goes through a service,
which refuses an input error with a 400 keyed by field, a step the life cycle does not allow with
a 400 naming the rule, and a step the caller may not take with a 403. Complaints are read
through the visibility rule of the pages: a complaint the caller may not see is a 404.

Each resource has its module (`complaints`, `policies`, `ideas`, `recognitions`); `api_urls`
routes their view sets.
"""

"""REST API of the metrics app: indicators, observations, charts, recompute runs, annotations.

Serializers check the shape and types of the input only; every write goes through a service,
which refuses an input error with a 400 keyed by field and a business rule with a 400 naming it.
Every endpoint needs the role table's permission on the rows it reads or writes: an indicator's
observations, limits and recompute are checked on those models, not on the indicator.

Each resource has its module (`indicators`, `runs`, `annotations`, `drivers`); `api_urls` routes
their view sets.
"""

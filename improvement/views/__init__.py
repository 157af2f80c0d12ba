"""Pages of the improvement app, one module per topic, each routed in `improvement/urls.py`."""

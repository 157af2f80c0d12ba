"""The load test (make load): tests/load/run.sh, prepare.py and the locustfile."""

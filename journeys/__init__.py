"""Customer journeys, stages, touchpoints, handoffs, failure points and quality objectives."""

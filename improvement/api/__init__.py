"""The improvement REST API: PDCA cycles and their phase moves, actions and suggested cycles."""

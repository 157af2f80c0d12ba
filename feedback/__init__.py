"""Voice of customer and employee: complaints, ideas, surveys, insights, recognition."""

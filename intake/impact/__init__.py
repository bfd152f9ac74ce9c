"""Impact levels, the questions that pick one, and first-response deadlines."""

class TrainingError(Exception):
    """An expected refusal whose message is shown to the person who tried."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class StaleSession(TrainingError):
    """Somebody else changed the session since the form was loaded."""

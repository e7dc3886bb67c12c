class SupervisionError(Exception):
    """A refused supervision action, with a message in words for the person."""

class RosterError(Exception):
    """A rostering action refused, with a message a person can act on."""

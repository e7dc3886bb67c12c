class CertificateRefused(Exception):
    """An expected refusal, told to the person in words (not a bug)."""

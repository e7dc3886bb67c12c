"""Issue a kind of certificate to everyone who qualifies and has none yet, into one PDF (or a ZIP)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates import registry
from certificates.batches import certificates_issue_missing
from certificates.enums import BatchFormat, CertificateKind
from certificates.exceptions import CertificateRefused
from certificates.periods import Period, PeriodError


def kind_name(text: str) -> str:
    """``service-record`` or ``service_record``."""
    return text.strip().lower().replace("-", "_")


class Command(BaseCommand):
    help = ("Issue certificates of a kind to every qualifying person without a valid one, writing them to one "
            "PDF (or a ZIP when the output file ends in .zip). Nothing is issued if rendering fails. Service "
            "records cover a period: --period 2026-11 (a month) or 2026-09..2026-11 (up to twelve months).")

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, type=kind_name, choices=CertificateKind.values,
                            help="admission, training-completion, service-record or supervisor-appointment")
        parser.add_argument("--period", help="for service records: YYYY-MM or YYYY-MM..YYYY-MM")
        parser.add_argument("--output", required=True, type=Path, help="FILE.pdf or FILE.zip")

    def handle(self, *args, kind: str, output: Path, period: str | None = None, verbosity: int = 1, **options):
        spec = registry.spec(kind)
        if not spec.available:
            raise CommandError(f"Certificates of the kind {kind!r} have no data source in this installation.")
        if spec.periodic and not period:
            raise CommandError(f"Certificates of the kind {kind!r} cover a period: give --period YYYY-MM "
                               "(or YYYY-MM..YYYY-MM).")
        if not spec.periodic and period:
            raise CommandError(f"Certificates of the kind {kind!r} do not cover a period; leave --period out.")
        try:
            covered = Period.parse(period) if period else None
        except PeriodError as error:
            raise CommandError(str(error))
        if output.suffix.lower() not in (".pdf", ".zip"):
            raise CommandError("The output file must end in .pdf or .zip.")
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        output_format = BatchFormat.ZIP if output.suffix.lower() == ".zip" else BatchFormat.MERGED_PDF

        def progress(done: int, total: int) -> None:
            if verbosity > 1:
                self.stderr.write(f"  rendered {done} of {total}")

        try:
            content, result = certificates_issue_missing(kind=kind, output_format=output_format, period=covered,
                                                         on_progress=progress)
        except CertificateRefused as error:
            raise CommandError(str(error))
        what = f"{kind} certificates" + (f" for {covered.key}" if covered else "")
        if result.issued:
            output.write_bytes(content)
            self.stdout.write(f"Issued {result.issued} {what} in {result.seconds:.1f} s; written to {output}.")
        else:
            self.stdout.write(f"Issued 0 {what} ({result.seconds:.1f} s): everyone who qualifies has one already; "
                              f"{output} was not written.")

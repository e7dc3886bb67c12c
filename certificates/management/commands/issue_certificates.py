"""Issue a kind of certificate to everyone who qualifies and has none yet, into one PDF (or a ZIP)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certificates import registry
from certificates.batches import certificates_issue_missing
from certificates.enums import BatchFormat, CertificateKind
from certificates.exceptions import CertificateRefused


class Command(BaseCommand):
    help = ("Issue certificates of a kind to every qualifying person without a valid one, writing them to one "
            "PDF (or a ZIP when the output file ends in .zip). Nothing is issued if rendering fails.")

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=CertificateKind.values)
        parser.add_argument("--output", required=True, type=Path, help="FILE.pdf or FILE.zip")

    def handle(self, *args, kind: str, output: Path, verbosity: int = 1, **options):
        if not registry.spec(kind).available:
            raise CommandError(f"Certificates of the kind {kind!r} have no data source in this installation.")
        if output.suffix.lower() not in (".pdf", ".zip"):
            raise CommandError("The output file must end in .pdf or .zip.")
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        output_format = BatchFormat.ZIP if output.suffix.lower() == ".zip" else BatchFormat.MERGED_PDF

        def progress(done: int, total: int) -> None:
            if verbosity > 1:
                self.stderr.write(f"  rendered {done} of {total}")

        try:
            content, result = certificates_issue_missing(kind=kind, output_format=output_format,
                                                         on_progress=progress)
        except CertificateRefused as error:
            raise CommandError(str(error))
        if result.issued:
            output.write_bytes(content)
            self.stdout.write(f"Issued {result.issued} {kind} certificates in {result.seconds:.1f} s; "
                              f"written to {output}.")
        else:
            self.stdout.write(f"Issued 0 {kind} certificates ({result.seconds:.1f} s): everyone who qualifies "
                              f"has one already; {output} was not written.")

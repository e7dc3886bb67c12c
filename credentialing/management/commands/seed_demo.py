"""Load the deterministic demo data set (see ``credentialing.demo``)."""
import time

from django.core.management.base import BaseCommand, CommandError

from credentialing import demo


class Command(BaseCommand):
    help = "Create demo data at the platform's real scale: applicants, applications in every state, staff accounts."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=demo.FULL_SIZE)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--reset", action="store_true", help="Delete existing demo data first.")

    def handle(self, *args, applications: int, seed: int, reset: bool, **options):
        if applications < len(demo.STATE_PLAN):
            raise CommandError(f"--applications must be at least {len(demo.STATE_PLAN)} (one per state).")
        started = time.perf_counter()
        if demo.demo_data_exists():
            if not reset:
                raise CommandError(f"Demo data exist already (accounts @{demo.DEMO_DOMAIN}); use --reset to replace.")
            for extension in reversed(demo.demo_extensions()):
                extension.reset(demo.demo_users())
            deleted = demo.reset_demo()
            self.stdout.write("Deleted: " + ", ".join(f"{count} {name}" for name, count in deleted.items()))
        summary = demo.seed_demo(applications=applications, seed=seed)
        for extension in demo.demo_extensions():  # the apps above, in INSTALLED_APPS order: training, rostering
            summary.update(extension.seed(seed=seed))
        self.stdout.write(f"Created in {time.perf_counter() - started:.1f} s:")
        for name, value in summary.items():
            self.stdout.write(f"  {name}: {value}")
        self.stdout.write(f"\nDemo accounts (password “{demo.DEMO_PASSWORD}”):")
        for email, label, role in demo.DEMO_ACCOUNTS:
            note = " — two-factor: `manage.py totp_code " + email + "`" if role else ""
            self.stdout.write(f"  {email:28} {label}{note}")
        self.stdout.write(f"Staff TOTP secret (add it to an authenticator app): {demo.DEMO_TOTP_SECRET}")


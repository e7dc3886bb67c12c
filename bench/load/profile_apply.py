"""Profile one application on the one-page form in one process (pyinstrument), against the load test's database.

    .venv/bin/python bench/load/profile_apply.py [--tree] [--repeat 30]

The four requests of the load test's one-page flow (dashboard, the form, the POST with four files, the page after),
each applicant new (a verified account, signed in), production settings, the Django test client: the CPU time of
each request in this process, its queries, and pyinstrument's call tree of each (``--tree``).
"""
from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/load_bench")
    parser.add_argument("--data-dir", type=Path, default=Path("var/load-bench"))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--tree", action="store_true", help="print pyinstrument's call trees")
    parser.add_argument("--only", default="", help="profile only the requests whose label contains this")
    parser.add_argument("--queries", action="store_true", help="print each request's SQL")
    parser.add_argument("--all", action="store_true", help="every frame in the trees")
    parser.add_argument("--redis-db", type=int, default=15)
    parser.add_argument("--no-redis", action="store_true")
    args = parser.parse_args()
    from bench.load import harness

    redis_url = "" if args.no_redis else harness.local_redis(args.redis_db)
    env = harness.server_env(database_url=args.database_url, data_dir=args.data_dir, port=8000,
                             secret_key=harness.new_secret_key(), web_concurrency=1, task_workers=0,
                             redis_url=redis_url)
    os.environ.update(env)
    os.environ["LOAD_PLAN"] = ""
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from pyinstrument import Profiler

    from bench.load.application_form import PROFILE, evidence
    from credentialing.models import QualificationKind
    from people.models import User

    cpu: dict[str, float] = defaultdict(float)
    queries: dict[str, int] = defaultdict(int)
    profilers = {label: Profiler(interval=0.0002) for label in ("dashboard", "form", "post", "page after")}
    tag = secrets.token_hex(3)
    kind_pk = QualificationKind.objects.filter(active=True, code="registered-psychologist").values_list(
        "pk", flat=True).get()
    profile = {**PROFILE}
    # one client (its handler loads the middleware once, as a served process does), a new applicant each time
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST="127.0.0.1")
    for n in range(args.repeat + 1):
        user = User.objects.create(email=f"profile-{tag}-{n}@load.example", full_name="",
                                   password=UNUSABLE_PASSWORD_PREFIX + "x")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        client.cookies.clear()
        client.force_login(user)
        form = dict(profile)
        for kind, data, (name, content, content_type) in evidence(kind_pk):
            form.update({f"{kind}-{key}": value for key, value in data.items()})
            form[f"{kind}-upload"] = SimpleUploadedFile(name, content, content_type)
        steps = [("dashboard", client.get, ("/",)), ("form", client.get, ("/application/apply/",)),
                 ("post", client.post, ("/application/apply/", form)), ("page after", client.get, ("/",))]
        for label, request, arguments in steps:
            seen: list[str] = []

            def count(execute, sql, *rest, seen=seen):
                seen.append(sql)
                return execute(sql, *rest)

            profiling = n > 0 and (not args.only or args.only in label)
            started = time.process_time()
            with connection.execute_wrapper(count):
                if profiling:
                    with profilers[label]:
                        response = request(*arguments)
                else:
                    response = request(*arguments)
            if n == 0:
                continue
            cpu[label] += time.process_time() - started
            queries[label] = len(seen)
            if args.queries and n == 1:
                print(f"--- {label}")
                print("\n".join(f"    {sql[:220]}" for sql in seen))
            assert response.status_code in (200, 302), (label, response.status_code)
    total = 0.0
    for label in profilers:
        each = cpu[label] / args.repeat * 1000
        total += each
        print(f"{label:12} {each:6.1f} ms CPU  {queries[label]:3d} queries")
    print(f"{'in all':12} {total:6.1f} ms CPU")
    if args.tree:
        for label, profiler in profilers.items():
            if not args.only or args.only in label:
                print(f"===== {label}")
                print(profiler.output_text(unicode=True, color=False, show_all=args.all))


if __name__ == "__main__":
    main()

"""Training at scale: learners opening lessons and submitting quizzes (throughput, p95), and
certificates issued in bulk (time, memory), then a sample of certificate PDFs rendered.

Creates a throwaway database (Django's test-database machinery), one association, a self-paced
course (one module: a text lesson, a PDF lesson, a five-question quiz) with one session seating
every learner. Learners and enrolments are bulk-created (setup is not measured). Then, per
learner, in the association's scope as a request would be: open the lesson list, open a lesson
(progress recorded, resume point moved) and submit the quiz. Then the certificates of a session of
BENCH_CERTIFICATES learners issued as the bulk job (`training.certificates`: started, claimed, run in
steps of WASL_CERTIFICATES_PER_STEP learners, each its own transaction, exactly as a worker runs it,
Celery eager); documents are snapshotted and their rendering deferred as in production (after
commit, on the `bulk` queue); then the job is run again to show a rerun issues nothing; and
BENCH_RENDER certificate PDFs rendered to give the per-PDF cost.

    DATABASE_URL=postgres://wasl_app:wasl_app@127.0.0.1:5432/wasl_bench REDIS_URL=redis://127.0.0.1:6379/6 \
        .venv/bin/python bench/training.py
    BENCH_LEARNERS=500 BENCH_CERTIFICATES=100 .venv/bin/python bench/training.py    # SQLite, quick
"""

import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402

LEARNERS = int(os.environ.get("BENCH_LEARNERS", "5000"))
# Which parts run: "learners", "certificates" or both (the default), e.g. to measure one on a busy machine.
PHASES = set(os.environ.get("BENCH_PHASES", "learners,certificates").split(","))
CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", "1000"))
RENDER = int(os.environ.get("BENCH_RENDER", "10"))


def report(label: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p95 = samples[max(int(len(samples) * 0.95) - 1, 0)]
    total = sum(samples) / 1000
    print(
        f"{label:34} n={len(samples):5}  median {statistics.median(samples):7.2f} ms  p95 {p95:7.2f} ms"
        f"  throughput {len(samples) / total:7.1f}/s"
    )


def main() -> None:
    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False, serialized_aliases=set())
    try:
        from datetime import timedelta

        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import connection
        from django.utils import timezone, translation

        from associations.tenancy import association_scope
        from associations.tests.factories import AssociationFactory, RoleFactory
        from documents import tasks as document_tasks
        from documents.models import Document
        from documents.services import document_render
        from jobs.models import Job
        from jobs.services import job_start
        from members.models import Member, MemberStatus
        from training import lessons, selectors, services
        from training.models import Certificate, Enrolment, EnrolmentStatus

        association = AssociationFactory()
        officer = RoleFactory(association=association, kind="president").user
        start = timezone.now() - timedelta(days=1)
        with association_scope(association):
            course = services.course_save(
                actor=officer, title_ar="دورة", title_fr="Cours", format="self_paced", is_published=True,
                min_attendance_percent=0,
            )  # fmt: skip
            session = services.session_save(
                actor=officer,
                course_id=course.pk,
                dates=[(start, start + timedelta(hours=2))],
                capacity=LEARNERS,
            )
            module = lessons.module_save(actor=officer, course_id=course.pk, title_ar="و", title_fr="M")
            text = lessons.lesson_save(
                actor=officer,
                module_id=module.pk,
                title_ar="د",
                title_fr="L",
                kind="text",
                body_fr="<p>x</p>" * 50,
            )
            lessons.lesson_save(
                actor=officer, module_id=module.pk, title_ar="م", title_fr="F", kind="file",
                upload=SimpleUploadedFile("f.pdf", b"%PDF-1.4\n" + b"x" * 50_000),
            )  # fmt: skip
            quiz = lessons.lesson_save(
                actor=officer, module_id=module.pk, title_ar="ا", title_fr="Q", kind="quiz", max_attempts=3
            )
            for i in range(5):
                lessons.question_add(
                    actor=officer, lesson_id=quiz.pk, text_ar=f"س{i}", text_fr=f"Q{i}", multiple=False,
                    choices=[("نعم", "Oui", True), ("لا", "Non", False), ("ربما", "Peut-être", False)],
                )  # fmt: skip
            Member.objects.bulk_create(
                [
                    Member(
                        number=i + 1,
                        first_name_latin=f"L{i}",
                        last_name_latin="Bench",
                        status=MemberStatus.ACTIVE,
                    )
                    for i in range(LEARNERS)
                ],
                batch_size=1000,
            )
            ids = list(Member.objects.order_by("number").values_list("pk", flat=True))
            Enrolment.objects.bulk_create(
                [
                    Enrolment(session=session, member_id=pk, status=EnrolmentStatus.ENROLLED, position=n + 1)
                    for n, pk in enumerate(ids)
                ],
                batch_size=1000,
            )
            enrolments = list(Enrolment.objects.order_by("position").select_related("session"))
            questions = list(quiz.questions.prefetch_related("choices"))
            answers = {q.pk: {next(c.pk for c in q.choices.all() if c.is_correct)} for q in questions}
        print(f"{connection.vendor}: {LEARNERS} learners, {len(questions)}-question quiz")

        open_list, open_lesson, submit = [], [], []
        for enrolment in enrolments if "learners" in PHASES else []:
            with association_scope(association):
                t0 = time.perf_counter()
                list(selectors.course_content(course=course))
                selectors.learner_progress(enrolment=enrolment)
                t1 = time.perf_counter()
                lesson = selectors.lesson_detail(lesson_id=text.pk)
                lessons.lesson_opened(enrolment=enrolment, lesson=lesson)
                t2 = time.perf_counter()
                lessons.quiz_submit(enrolment=enrolment, lesson=quiz, answers=answers)
                t3 = time.perf_counter()
            open_list.append((t1 - t0) * 1000)
            open_lesson.append((t2 - t1) * 1000)
            submit.append((t3 - t2) * 1000)
        if open_list:
            report("open the lesson list", open_list)
            report("open a lesson (progress saved)", open_lesson)
            report("submit a quiz (scored, saved)", submit)
        if "certificates" not in PHASES:
            return

        # Certificates: a session of CERTIFICATES learners (seated, rule met), issued by the job.
        cert_session = None
        with association_scope(association):
            cert_session = services.session_save(
                actor=officer, course_id=course.pk, dates=[(start, start + timedelta(hours=2))],
                capacity=max(CERTIFICATES, 1),
            )  # fmt: skip
            Enrolment.objects.bulk_create(
                [
                    Enrolment(
                        session=cert_session, member_id=pk, status=EnrolmentStatus.ENROLLED, position=n + 1
                    )
                    for n, pk in enumerate(ids[:CERTIFICATES])
                ],
                batch_size=1000,
            )
        # The PDFs render after commit in production (documents.render on the bulk queue): counted apart.
        deferred = []
        document_tasks.document_render.delay = lambda **kwargs: deferred.append(kwargs["document_id"])

        def run_job():
            with translation.override("fr"), association_scope(association):
                job = job_start(
                    actor=officer, role_kind="president", kind="training.certificates",
                    params={"session_id": cert_session.pk},
                )  # fmt: skip
            # job_start enqueued the run on commit; with Celery eager the whole job (its steps
            # included) ran by now, in its own transactions.
            with association_scope(association):
                return Job.objects.get(pk=job.pk)

        tracemalloc.start()
        t0 = time.perf_counter()
        job = run_job()
        elapsed = time.perf_counter() - t0
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{'issue certificates (bulk job)':34} n={CERTIFICATES:5}  {elapsed:7.2f} s"
            f"  ({CERTIFICATES / elapsed:6.1f}/s)  peak Python memory {peak / 2**20:6.1f} MiB"
            f"  steps {job.steps_total}  status {job.status}: {job.summary}"
        )
        t0 = time.perf_counter()
        again = run_job()
        print(
            f"{'the same job again (a rerun)':34} {time.perf_counter() - t0:7.2f} s  {again.status}: {again.summary}"
        )
        with association_scope(association):
            certificates = Certificate.objects.filter(enrolment__session=cert_session).count()
        assert certificates == CERTIFICATES, certificates
        samples = []
        for document_id in deferred[:RENDER]:
            t0 = time.perf_counter()
            with association_scope(association):
                document_render(document_id=document_id)
            samples.append((time.perf_counter() - t0) * 1000)
        if samples:
            report("render a certificate PDF", samples)
            per = statistics.median(samples) / 1000
            print(f"  → {CERTIFICATES} PDFs ≈ {per * CERTIFICATES / 60:5.1f} min of one bulk worker")
        with association_scope(association):
            assert Document.objects.filter(kind="training_certificate").count() == CERTIFICATES
        print(
            f"max resident memory of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        )
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()

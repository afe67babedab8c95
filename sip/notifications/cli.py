"""``flask --app sip send-mail`` (the outbox and the timed notifications) and
``flask --app sip rq-worker`` (the RQ worker, when ``SIP_REDIS_URL`` is set)."""

import logging
import signal
import time

import click
from flask import current_app

from sip.extensions import db

log = logging.getLogger("sip.mail")


def run_pass() -> dict:
    """One pass: queue what is due (digests, reminders), then send every due message."""
    from sip.notifications import outbox, schedule

    scheduled = schedule.run_due()
    done = outbox.deliver()
    return {
        "scheduled": scheduled,
        "sent": done.sent,
        "failed": done.failed,
        "retrying": done.retrying,
        "stuck": outbox.stuck(),
    }


def _report(result: dict) -> str:
    made = ", ".join(f"{name} {n}" for name, n in result["scheduled"].items() if n)
    line = f"sent {result['sent']}, failed {result['failed']}, to retry later {result['retrying']}"
    if made:
        line += f"; scheduled notifications: {made}"
    if result["stuck"]:
        line += (
            f"; {result['stuck']} claimed over an hour ago and never recorded as sent "
            "(a sender stopped while sending): not resent, check the mail log"
        )
    return line


@click.command("send-mail")
@click.option("--once", is_flag=True, help="Run one pass, print what was sent, and exit.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds between passes when looping.",
)
def send_mail_command(once: bool, interval: float) -> None:
    """Send the mail outbox (retrying failures with back-off) and the timed notifications
    (daily digests, assembly reminders). Loops until stopped, unless --once."""
    if once:
        result = run_pass()
        click.echo(_report(result))
        if result["failed"]:
            raise SystemExit(1)
        return
    stopping: list[bool] = []
    previous = signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    click.echo(f"send-mail: a pass every {interval:g} s ({current_app.config['MAIL_BACKEND']}).")
    try:
        while not stopping:
            try:
                result = run_pass()
                if result["sent"] or result["failed"] or result["retrying"]:
                    click.echo(_report(result))
            except Exception:  # a database hiccup: log it and try again next pass
                db.session.rollback()
                log.exception("send-mail: the pass failed")
            finally:
                db.session.remove()
            time.sleep(interval)
    except KeyboardInterrupt:  # Ctrl-C ends the loop, as SIGTERM does
        click.echo("send-mail: stopped.")
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo("send-mail: stopped.")


@click.command("rq-worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then exit.")
def rq_worker_command(burst: bool) -> None:
    """Run the RQ worker that sends mail when SIP_REDIS_URL is set (each job in an app
    context of its own, without forking)."""
    from sip.notifications import queue

    app = current_app._get_current_object()
    if not app.config["REDIS_URL"]:
        raise click.ClickException("Set SIP_REDIS_URL (e.g. redis://127.0.0.1:6379/0) first.")
    worker = queue.worker(app)
    worker.work(burst=burst, logging_level="INFO")

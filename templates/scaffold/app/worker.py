"""The fan-out worker: ``python -m app.worker``.

Consumes tweet events from the Redis stream (consumer group: run as many workers as you need,
each event goes to one of them) and also relays the outbox, so events whose publish failed are
published even when no API process is running. Stops cleanly on SIGTERM/SIGINT after the
message in hand.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from app.config import get_settings
from app.fanout import run_consumer
from app.logs import configure_logging
from app.outbox import OutboxRelay
from app.services import Services

log = logging.getLogger("app.worker")


async def main() -> int:
    settings = get_settings()
    configure_logging(settings.log_level)
    if settings.queue_kind != "redis":
        log.error("the worker needs REDIS_URL: the in-process queue lives inside the API "
                  "process, which then runs the fan-out itself")
        return 2
    services = Services.build(settings)
    relay = OutboxRelay(services.sessionmaker, services.queue, settings.outbox_poll_seconds)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    relay_task = asyncio.create_task(relay.run())
    log.info("worker started")
    try:
        await run_consumer(services, stop)
    finally:
        relay_task.cancel()
        await asyncio.gather(relay_task, return_exceptions=True)
        await services.close()
        log.info("worker stopped")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

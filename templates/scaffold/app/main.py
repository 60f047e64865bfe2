"""The API application: ``uvicorn app.main:app``.

``create_app(settings)`` builds an app; the module-level ``app`` uses the environment. Building
it validates the settings, so APP_ENV=production with the default JWT secret fails at startup.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.api import auth, health, tweets, users
from app.config import Settings, get_settings
from app.db import migrate
from app.fanout import run_consumer
from app.logs import ObservabilityMiddleware, configure_logging
from app.outbox import OutboxRelay
from app.services import Services

log = logging.getLogger("app")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = Services.build(settings)
        if settings.run_migrations_at_startup:
            await migrate(services.engine)
        services.relay = OutboxRelay(services.sessionmaker, services.queue,
                                     settings.outbox_poll_seconds)
        stop = asyncio.Event()
        tasks = [asyncio.create_task(services.relay.run(stop), name="outbox-relay")]
        if settings.run_worker_in_process:
            tasks.append(asyncio.create_task(run_consumer(services, stop), name="fanout-worker"))
        app.state.services = services
        log.info("started", extra={"fields": {
            "env": settings.app_env, "queue": settings.queue_kind,
            "cache": "redis" if settings.redis_url else "memory",
            "worker_in_process": settings.run_worker_in_process}})
        try:
            yield
        finally:
            # Let the loops finish the step in hand (cancelling a database call half-way can
            # leave a connection hanging), then cancel whatever is still blocked.
            stop.set()
            services.relay.notify()
            _, pending = await asyncio.wait(tasks, timeout=5)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=2)
            await services.close()

    app = FastAPI(title=settings.app_name, version="0.1.0", lifespan=lifespan)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(tweets.router)
    app.include_router(users.router)
    app.include_router(tweets.spec_router)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"),
             "message": e.get("msg", "invalid")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": "invalid request", "errors": errors}, status_code=422)

    app.add_middleware(ObservabilityMiddleware)
    return app


configure_logging(get_settings().log_level)
app = create_app()

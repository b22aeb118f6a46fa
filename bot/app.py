"""The whole system in one process: database check, both bots, the scheduler, the web server
(webhooks, /healthz, /metrics) when configured, and (without tokens) the local sandbox the bots
talk to. On SQLite it first makes sure no other instance uses the same file."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta
from types import TracebackType

from bot.config import Settings
from bot.flows.context import FlowSettings
from bot.flows.engine import FlowEngine
from bot.flows.events import BotKind
from bot.i18n import load_all_catalogs
from bot.sandbox.server import SandboxServer
from bot.telegram.client_bot import ClientBot
from bot.telegram.staff_bot import StaffBot
from bot.web.health import HealthCheck
from bot.web.server import WebServer
from scheduler.bot_api_sender import BotApiSender
from scheduler.clock import Clock, SystemClock
from scheduler.outbox import OutboxDispatcher, SendLimits
from scheduler.runner import (
    add_digest_jobs,
    add_outbox_job,
    add_reminder_job,
    add_retention_job,
    add_waitlist_job,
    build_scheduler,
)
from storage.db import Database
from storage.instance_lock import InstanceLock, sqlite_file
from storage.models import CaseManagerWorkplace, StaffRole
from storage.repositories import Staff

log = logging.getLogger(__name__)

# Fake tokens in Telegram's "<bot id>:<secret>" shape: the libraries check the shape.
SANDBOX_CLIENT_TOKEN = "1000001:sandbox-client-bot"
SANDBOX_STAFF_TOKEN = "1000002:sandbox-staff-bot"
# The staff pane of the sandbox page writes as this user, registered as a demo admin.
SANDBOX_ADMIN_ID = 700001
# Where the demo admin takes appointments: an office and the towns of the sample catalogue.
SANDBOX_OFFICE = "kim-bergisch-gladbach"
SANDBOX_TOWNS = ["bergisch-gladbach", "burscheid", "kuerten", "leichlingen", "odenthal",
                 "overath", "roesrath", "wermelskirchen"]


class StartupError(RuntimeError):
    """A bot could not start: unreachable Bot API server or a refused token."""


def redact(text: str, *secrets: str) -> str:
    """`text` with every secret replaced; python-telegram-bot quotes refused tokens verbatim."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<token>")
    return text


@dataclass(frozen=True)
class Endpoints:
    api_url: str
    client_token: str
    staff_token: str


class System:
    """Start with `async with System(settings):`; everything stops in reverse order on exit."""

    def __init__(self, settings: Settings, clock: Clock | None = None,
                 run_scheduler: bool = True) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.db = Database(settings.database_url)
        self.engine = FlowEngine(self.db, self.clock, FlowSettings(
            timezone=settings.timezone, state_ttl=timedelta(hours=settings.state_ttl_hours),
            max_open_appointments=settings.max_open_appointments,
            booking_days=settings.booking_days, reminder_policy=settings.reminder_policy,
            client_bot_username=settings.client_bot_username,
            referral_link_validity=timedelta(days=settings.referral_link_days),
            message_retention_days=settings.message_retention_days,
            retention_days=settings.retention_days, controller=settings.controller))
        self.sandbox: SandboxServer | None = None
        self.client_bot: ClientBot | None = None
        self.staff_bot: StaffBot | None = None
        self.outbox: OutboxDispatcher | None = None
        self.senders: dict[str, BotApiSender] = {}
        self.scheduler = build_scheduler(self.db, self.clock) if run_scheduler else None
        self.web: WebServer | None = None
        database_file = sqlite_file(self.db.url)
        self._instance_lock = InstanceLock(database_file) if database_file else None

    async def __aenter__(self) -> System:
        try:
            await self.start()
        except BaseException:
            await self.stop()  # whatever did start (the sandbox, a bot) must not linger
            raise
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.stop()

    async def start(self) -> None:
        if self._instance_lock is not None:
            self._instance_lock.acquire()  # refuses a second instance on the same file
        await self.db.check_migrated()
        load_all_catalogs()  # a missing or broken catalog stops the start, not a conversation
        endpoints = await self._endpoints()
        webhook = self.settings.webhook
        self.client_bot = ClientBot(endpoints.client_token, endpoints.api_url, self.engine,
                                    webhook=webhook)
        self.staff_bot = StaffBot(endpoints.staff_token, endpoints.api_url, self.engine,
                                  webhook=webhook)
        for name, bot in (("client", self.client_bot), ("staff", self.staff_bot)):
            try:
                await bot.start()
            except Exception as exc:
                reason = redact(f"{type(exc).__name__}: {exc}", endpoints.client_token,
                                endpoints.staff_token)
                raise StartupError(f"The {name} bot could not start against the Bot API at "
                                   f"{endpoints.api_url} ({reason}). Check the token and "
                                   "KIMBOT_TELEGRAM_API_URL.") from None
        self.engine.settings = replace(
            self.engine.settings, staff_bot_username=self.staff_bot.username,
            client_bot_username=self.client_bot.username or self.settings.client_bot_username)
        self.senders = {BotKind.CLIENT.value: BotApiSender(endpoints.api_url,
                                                           endpoints.client_token),
                        BotKind.STAFF.value: BotApiSender(endpoints.api_url,
                                                          endpoints.staff_token)}
        self.outbox = OutboxDispatcher(
            self.db, self.clock, self.senders,
            SendLimits(self.settings.send_rate, self.settings.send_rate_per_chat),
            claim=timedelta(seconds=self.settings.outbox_claim_seconds))
        self.engine.on_outbox = self.outbox.wake
        if self.scheduler is not None:
            add_outbox_job(self.scheduler, self.outbox)
            add_reminder_job(self.scheduler, self.db, self.clock, self.engine.catalogue,
                             self.settings.timezone, self.outbox)
            add_retention_job(self.scheduler, self.db, self.clock,
                              self.settings.retention_policy, self.settings.timezone)
            add_digest_jobs(self.scheduler, self.db, self.clock, self.engine.settings)
            add_waitlist_job(self.scheduler, self.db, self.clock, self.engine.catalogue,
                             self.engine.settings, self.outbox)
            self.scheduler.start()
        await self._start_web()
        if self.sandbox is not None:
            log.info("Sandbox chat page: %s/", self.sandbox.url)

    async def _start_web(self) -> None:
        """Webhooks (in webhook mode), /healthz and /metrics, once the bots are ready."""
        port = self.settings.listen_port
        if port is None:
            return
        feeds = {}
        if self.settings.webhook:
            assert self.client_bot is not None and self.staff_bot is not None
            feeds = {BotKind.CLIENT.value: self.client_bot.feed,
                     BotKind.STAFF.value: self.staff_bot.feed}
        secret = self.settings.webhook_secret
        self.web = WebServer(self.settings.http_host, port, HealthCheck(self.db, self.clock),
                             feeds, secret.get_secret_value() if secret else None)
        try:
            await self.web.start()
        except OSError as exc:
            raise StartupError(f"The web server could not listen on {self.settings.http_host}:"
                               f"{port} ({exc.strerror or exc}). Check KIMBOT_HTTP_HOST and "
                               "KIMBOT_HTTP_PORT.") from None

    async def _endpoints(self) -> Endpoints:
        settings = self.settings
        if not settings.sandbox:
            assert settings.client_token is not None and settings.staff_token is not None
            return Endpoints(settings.telegram_api_url, settings.client_token.get_secret_value(),
                             settings.staff_token.get_secret_value())
        self.sandbox = SandboxServer(settings.sandbox_host, settings.sandbox_port)
        self.sandbox.timezone = settings.timezone  # the page shows times as the bots do
        self.sandbox.add_bot(SANDBOX_CLIENT_TOKEN, "kim_client_bot", "KIM", role="client")
        self.sandbox.add_bot(SANDBOX_STAFF_TOKEN, "kim_staff_bot", "KIM Staff", role="staff")
        await self.sandbox.start()
        await self._ensure_demo_admin()
        await self._ensure_sample_catalogue()
        return Endpoints(self.sandbox.url, SANDBOX_CLIENT_TOKEN, SANDBOX_STAFF_TOKEN)

    async def _ensure_demo_admin(self) -> None:
        """A fresh sandbox gets one admin, so the staff pane has someone to talk as."""
        async with self.db.transaction() as session:
            staff = Staff(session)
            if await staff.count() == 0:
                admin = await staff.add(SANDBOX_ADMIN_ID, "Demo Admin", StaffRole.ADMIN,
                                        self.clock.now())
                # The demo admin also takes appointments, so booking in the client pane works
                # and its messages arrive in the staff pane.
                session.add(CaseManagerWorkplace(
                    staff_member_id=admin.id, office_id=SANDBOX_OFFICE, towns=SANDBOX_TOWNS,
                    working_hours="Mo-Fr 08:00-12:00,13:00-16:00"))
                log.info("sandbox: registered the demo admin (Telegram id %d)", SANDBOX_ADMIN_ID)

    async def _ensure_sample_catalogue(self) -> None:
        """A fresh sandbox gets the Rheinisch-Bergischer Kreis sample, so the finder answers."""
        from bot.catalogue.samples import RBK
        from storage.catalogue_io import import_catalogue
        from storage.catalogue_repo import has_catalogue

        async with self.db.transaction() as session:
            if await has_catalogue(session):
                return
        await import_catalogue(self.db, [RBK], self.clock.now())
        log.info("sandbox: imported the sample catalogue (Rheinisch-Bergischer Kreis)")

    async def stop(self) -> None:
        if self.web is not None:
            await self.web.stop()  # updates being handled finish and are answered first
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.outbox is not None:
            self.engine.on_outbox = None
            await self.outbox.idle()  # a message being sent finishes before the bots stop
        for sender in self.senders.values():
            await sender.close()
        for bot in (self.staff_bot, self.client_bot):
            if bot is not None:
                await bot.stop()
        if self.sandbox is not None:
            await self.sandbox.stop()
        await self.db.dispose()
        if self._instance_lock is not None:
            self._instance_lock.release()

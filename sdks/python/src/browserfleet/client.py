"""The browserfleet API: one method per endpoint of docs/api.md, snake_case like the TypeScript SDK's."""

import datetime
import math
import time
import urllib.parse
import urllib.request
from typing import Any, Dict, Iterator, List, Mapping, Optional, Union, cast

from . import models as m
from .errors import WaitTimeoutError
from .pagination import paginate
from .retry import RetryPolicy
from .transport import RetryHook, Transport

DEFAULT_BASE_URL = "http://127.0.0.1:3000"
TERMINAL_STATUSES = frozenset({"completed", "failed", "cancelled"})
#: The longest ``?wait=`` the API takes (1..120 s).
MAX_WAIT_SECONDS = 120
#: Calls the server may hold open (a sync quick call up to its 60 s cap, an agent start) get at least this long.
HELD_CALL_SECONDS = 75.0

DateLike = Union[str, datetime.date]


def _path(template: str, *ids: str) -> str:
    return template.format(*(urllib.parse.quote(str(i), safe="") for i in ids))


def _fields(params: Mapping[str, Any], keep_none: bool = False) -> Dict[str, Any]:
    """Keyword arguments as body fields: a trailing underscore is dropped (``async_=True`` is ``"async": true``).

    A field given as None is left out (the server's default applies), except where None means
    something (``keep_none``: a PATCH clearing a field).
    """
    return {(name[:-1] if name.endswith("_") else name): value for name, value in params.items() if keep_none or value is not None}


class Client:
    """A client of one browserfleet API with one API key.

    Args:
        api_key: ``agt_live_…``, sent as ``X-API-Key``.
        base_url: the API's origin (default ``http://127.0.0.1:3000``, what ``npm start`` serves).
        timeout: seconds per request (per socket operation); long-polls add their wait, and
            calls the server may hold open (sync quick calls, agent starts) get at least 75 s,
            unless a call passes its own ``timeout=``.
        max_retries: retries of 429, 503 and network errors after the first attempt (0: none).
        backoff_base: the first backoff in seconds, doubled each retry, jittered.
        max_backoff: the longest wait between attempts; a ``Retry-After`` asking for more ends the retries.
        headers: extra headers on every request (a User-Agent of your own, a tracing header).
        on_retry: called before each retry with ``(error, retry_number, wait_seconds)``.
        opener: the ``urllib.request.OpenerDirector`` to send with (default ``build_opener()``,
            which honours the usual ``*_proxy`` environment variables).

    Every creating POST of a route that honours ``Idempotency-Key`` (quick calls, tasks, auto,
    agents) carries one (``idempotency_key=`` or a generated uuid4) for all of its attempts, so a
    retry after a lost answer never creates a second job. Failures raise the error class of their
    envelope code (see :mod:`browserfleet.errors`).
    """

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 30.0,
        max_retries: int = 3,
        *,
        backoff_base: float = 0.5,
        max_backoff: float = 30.0,
        headers: Optional[Mapping[str, str]] = None,
        on_retry: Optional[RetryHook] = None,
        opener: Optional[urllib.request.OpenerDirector] = None,
    ) -> None:
        self._transport = Transport(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            retry=RetryPolicy(max_retries=max_retries, backoff_base=backoff_base, max_backoff=max_backoff),
            headers=headers,
            on_retry=on_retry,
            opener=opener,
        )

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Mapping[str, Any]] = None,
        body: Any = None,
        idempotent: bool = False,
        idempotency_key: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> Any:
        """Any route (``path`` from ``/v1/…``), with the same auth, retries and errors; answers the parsed body."""
        return self._transport.call(
            method, path, query=query, body=body, idempotent=idempotent, idempotency_key=idempotency_key, timeout=timeout
        ).body

    def _held(self, timeout: Optional[float]) -> float:
        return timeout if timeout is not None else max(self._transport.timeout, HELD_CALL_SECONDS)

    def _quick(self, path: str, body: Dict[str, Any], idempotency_key: Optional[str], timeout: Optional[float]) -> Any:
        # A sync call is answered when its page is done (up to the server's 60 s cap): give it that long.
        held = timeout if body.get("async") is True else self._held(timeout)
        return self.request("POST", path, body=body, idempotent=True, idempotency_key=idempotency_key, timeout=held)

    # ----------------------------------------------------------------- quick calls
    # Sync (the page, 200) unless ``async_=True`` (the job envelope, 202).

    def scrape(self, url: str, *, idempotency_key: Optional[str] = None, timeout: Optional[float] = None, **params: Any) -> Union[m.ScrapeResult, m.JobEnvelope]:
        """``POST /v1/quick/scrape``: ``formats`` (html, text, links, screenshot, markdown), ``max_chars``, ``only_main_content``, ``timeout_ms``, ``wait_until``, ``async_``."""
        return cast(Any, self._quick("/v1/quick/scrape", {"url": url, **_fields(params)}, idempotency_key, timeout))

    def screenshot(self, url: str, *, idempotency_key: Optional[str] = None, timeout: Optional[float] = None, **params: Any) -> Union[m.ScrapeResult, m.JobEnvelope]:
        """``POST /v1/quick/screenshot``: ``full_page`` and the common fields; the item has ``screenshot_png_b64``."""
        return cast(Any, self._quick("/v1/quick/screenshot", {"url": url, **_fields(params)}, idempotency_key, timeout))

    def extract(self, url: str, *, idempotency_key: Optional[str] = None, timeout: Optional[float] = None, **params: Any) -> Union[m.ExtractResult, m.JobEnvelope]:
        """``POST /v1/quick/extract``: exactly one of ``schema`` or ``prompt``."""
        return cast(Any, self._quick("/v1/quick/extract", {"url": url, **_fields(params)}, idempotency_key, timeout))

    def batch(self, urls: List[str], *, idempotency_key: Optional[str] = None, timeout: Optional[float] = None, **params: Any) -> m.JobEnvelope:
        """``POST /v1/quick/batch`` (always async): up to 1000 ``urls``, ``formats``, ``max_chars``, ``timeout_ms``."""
        body = {"urls": list(urls), **_fields(params)}
        return cast(m.JobEnvelope, self.request("POST", "/v1/quick/batch", body=body, idempotent=True, idempotency_key=idempotency_key, timeout=timeout))

    def crawl(self, url: str, *, idempotency_key: Optional[str] = None, timeout: Optional[float] = None, **params: Any) -> m.JobEnvelope:
        """``POST /v1/quick/crawl`` (always async): ``limit``, ``max_depth``, ``include_paths``, ``exclude_paths``, …"""
        body = {"url": url, **_fields(params)}
        return cast(m.JobEnvelope, self.request("POST", "/v1/quick/crawl", body=body, idempotent=True, idempotency_key=idempotency_key, timeout=timeout))

    # ----------------------------------------------------------------- jobs

    def list_jobs(self, *, status: Optional[str] = None, kind: Optional[str] = None, limit: Optional[int] = None, cursor: Optional[str] = None) -> m.Page:
        """``GET /v1/jobs``: the workspace's jobs, newest first (envelopes without ``result``)."""
        return cast(m.Page, self.request("GET", "/v1/jobs", query={"status": status, "kind": kind, "limit": limit, "cursor": cursor}))

    def iter_jobs(self, *, status: Optional[str] = None, kind: Optional[str] = None, limit: Optional[int] = None) -> Iterator[m.JobEnvelope]:
        """Every job (newest first), page after page."""
        return paginate(lambda cursor: self.list_jobs(status=status, kind=kind, limit=limit, cursor=cursor))

    def get_job(self, job_id: str, *, wait: Optional[int] = None, timeout: Optional[float] = None) -> m.JobEnvelope:
        """``GET /v1/jobs/{id}``; ``wait`` (1..120 s) long-polls until the job is terminal or the wait ends."""
        if wait is not None and timeout is None:
            timeout = max(self._transport.timeout, wait + 30.0)
        return cast(m.JobEnvelope, self.request("GET", _path("/v1/jobs/{}", job_id), query={"wait": wait}, timeout=timeout))

    def get_job_status(self, job_id: str) -> m.JobStatus:
        """``GET /v1/jobs/{id}/status``: status and progress only."""
        return cast(m.JobStatus, self.request("GET", _path("/v1/jobs/{}/status", job_id)))

    def list_results(self, job_id: str, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> m.Page:
        """``GET /v1/jobs/{id}/results``: one page of items, in submission (batch) or discovery (crawl) order."""
        return cast(m.Page, self.request("GET", _path("/v1/jobs/{}/results", job_id), query={"limit": limit, "cursor": cursor}))

    def iter_results(self, job_id: str, *, limit: Optional[int] = None) -> Iterator[m.ResultItem]:
        """Every result item of a job, in order, page after page."""
        return paginate(lambda cursor: self.list_results(job_id, limit=limit, cursor=cursor))

    def cancel_job(self, job_id: str) -> m.JobEnvelope:
        """``POST /v1/jobs/{id}/cancel``: raises JobTerminalError when it already ended."""
        return cast(m.JobEnvelope, self.request("POST", _path("/v1/jobs/{}/cancel", job_id)))

    def wait_for_job(self, job_id: str, timeout: float = 600.0, *, until_input_required: bool = False) -> m.JobEnvelope:
        """Long-polls (``?wait=``, up to 120 s per request) until the job is terminal and answers its envelope.

        With ``until_input_required`` it also returns when a task asks its question. Past ``timeout``
        seconds it raises :class:`WaitTimeoutError` (``body`` is the job's last state); the job goes on.
        """
        deadline = time.monotonic() + timeout
        while True:
            left = math.ceil(deadline - time.monotonic())
            job = self.get_job(job_id, wait=min(MAX_WAIT_SECONDS, left) if left >= 1 else None)
            status = job.get("status")
            if status in TERMINAL_STATUSES or (until_input_required and status == "input_required"):
                return job
            if time.monotonic() >= deadline:
                raise WaitTimeoutError(
                    f"job {job_id} was still {status} after {timeout} s", code="WAIT_TIMEOUT", status=0, body=cast(Dict[str, Any], job)
                )

    # ----------------------------------------------------------------- AI tasks and the router

    def create_task(self, task: str, *, idempotency_key: Optional[str] = None, timeout: Optional[float] = None, **params: Any) -> m.JobEnvelope:
        """``POST /v1/tasks``: ``llm_api_key`` (required), ``llm``, ``llm_base_url``, ``max_steps``, ``initial_url``, ``output_schema``, …"""
        body = {"task": task, **_fields(params)}
        return cast(m.JobEnvelope, self.request("POST", "/v1/tasks", body=body, idempotent=True, idempotency_key=idempotency_key, timeout=timeout))

    def auto(self, task: str, *, idempotency_key: Optional[str] = None, timeout: Optional[float] = None, **params: Any) -> Union[m.AutoScrapeResult, m.JobEnvelope]:
        """``POST /v1/auto``: a sync scrape when the task is a plain fetch of one URL, else a task (``routed_via`` says which)."""
        body = {"task": task, **_fields(params)}
        return cast(Any, self.request("POST", "/v1/auto", body=body, idempotent=True, idempotency_key=idempotency_key, timeout=self._held(timeout)))

    def list_task_steps(self, job_id: str, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> m.Page:
        """``GET /v1/jobs/{id}/steps``: one page of a task's steps."""
        return cast(m.Page, self.request("GET", _path("/v1/jobs/{}/steps", job_id), query={"limit": limit, "cursor": cursor}))

    def iter_task_steps(self, job_id: str, *, limit: Optional[int] = None) -> Iterator[m.TaskStep]:
        """Every step of a task, from 1."""
        return paginate(lambda cursor: self.list_task_steps(job_id, limit=limit, cursor=cursor))

    def respond_to_job(self, job_id: str, input: str) -> m.JobEnvelope:  # noqa: A002 - the API's field name
        """``POST /v1/jobs/{id}/respond``: answers a task's question; JobNotWaitingError unless it is ``input_required``."""
        return cast(m.JobEnvelope, self.request("POST", _path("/v1/jobs/{}/respond", job_id), body={"input": input}))

    # ----------------------------------------------------------------- credits, usage, keys

    def get_credits(self) -> m.Credits:
        """``GET /v1/credits``: balance and prices."""
        return cast(m.Credits, self.request("GET", "/v1/credits"))

    def list_ledger(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> m.Page:
        """``GET /v1/credits/ledger``: one page of entries."""
        return cast(m.Page, self.request("GET", "/v1/credits/ledger", query={"limit": limit, "cursor": cursor}))

    def iter_ledger(self, *, limit: Optional[int] = None) -> Iterator[m.LedgerEntry]:
        """Every ledger entry, page after page."""
        return paginate(lambda cursor: self.list_ledger(limit=limit, cursor=cursor))

    def get_usage(self, *, from_: Optional[DateLike] = None, to: Optional[DateLike] = None) -> m.Usage:
        """``GET /v1/usage?from=&to=``: per-day totals (dates as ``YYYY-MM-DD`` or ``datetime.date``)."""
        query = {"from": _date(from_), "to": _date(to)}
        return cast(m.Usage, self.request("GET", "/v1/usage", query=query))

    def create_key(self, name: str) -> m.CreatedKey:
        """``POST /v1/keys``: the only answer that shows the key itself."""
        return cast(m.CreatedKey, self.request("POST", "/v1/keys", body={"name": name}))

    def list_keys(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> m.Page:
        """``GET /v1/keys``."""
        return cast(m.Page, self.request("GET", "/v1/keys", query={"limit": limit, "cursor": cursor}))

    def iter_keys(self, *, limit: Optional[int] = None) -> Iterator[m.ApiKey]:
        """Every API key of the workspace."""
        return paginate(lambda cursor: self.list_keys(limit=limit, cursor=cursor))

    def revoke_key(self, key_id: str) -> None:
        """``DELETE /v1/keys/{id}``: the key is refused from then on."""
        self.request("DELETE", _path("/v1/keys/{}", key_id))

    # ----------------------------------------------------------------- webhooks

    def create_webhook(self, url: str, **params: Any) -> m.Webhook:
        """``POST /v1/webhooks``: ``events`` (absent or ``[]``: all) and ``description``."""
        return cast(m.Webhook, self.request("POST", "/v1/webhooks", body={"url": url, **_fields(params)}))

    def list_webhooks(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> m.Page:
        """``GET /v1/webhooks``."""
        return cast(m.Page, self.request("GET", "/v1/webhooks", query={"limit": limit, "cursor": cursor}))

    def iter_webhooks(self, *, limit: Optional[int] = None) -> Iterator[m.Webhook]:
        """Every webhook endpoint of the workspace."""
        return paginate(lambda cursor: self.list_webhooks(limit=limit, cursor=cursor))

    def get_webhook(self, webhook_id: str) -> m.Webhook:
        """``GET /v1/webhooks/{id}``."""
        return cast(m.Webhook, self.request("GET", _path("/v1/webhooks/{}", webhook_id)))

    def update_webhook(self, webhook_id: str, **params: Any) -> m.Webhook:
        """``PATCH /v1/webhooks/{id}``: ``url``, ``events``, ``description``, ``enabled``."""
        return cast(m.Webhook, self.request("PATCH", _path("/v1/webhooks/{}", webhook_id), body=_fields(params, keep_none=True)))

    def delete_webhook(self, webhook_id: str) -> None:
        """``DELETE /v1/webhooks/{id}``."""
        self.request("DELETE", _path("/v1/webhooks/{}", webhook_id))

    def ping_webhook(self, webhook_id: str) -> m.PingAnswer:
        """``POST /v1/webhooks/{id}/ping``: queues a ``webhook.test`` event to this endpoint."""
        return cast(m.PingAnswer, self.request("POST", _path("/v1/webhooks/{}/ping", webhook_id)))

    def list_deliveries(self, webhook_id: str, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> m.Page:
        """``GET /v1/webhooks/{id}/deliveries``: attempts, newest first."""
        return cast(m.Page, self.request("GET", _path("/v1/webhooks/{}/deliveries", webhook_id), query={"limit": limit, "cursor": cursor}))

    def iter_deliveries(self, webhook_id: str, *, limit: Optional[int] = None) -> Iterator[m.WebhookDelivery]:
        """Every delivery attempt of an endpoint."""
        return paginate(lambda cursor: self.list_deliveries(webhook_id, limit=limit, cursor=cursor))

    def get_signing_secret(self) -> m.SigningSecret:
        """``GET /v1/webhooks/signing-secret``: the workspace's ``whsec_…`` secret."""
        return cast(m.SigningSecret, self.request("GET", "/v1/webhooks/signing-secret"))

    def rotate_signing_secret(self) -> m.SigningSecret:
        """``POST /v1/webhooks/signing-secret/rotate``: a new secret; the old one keeps signing alongside for 24 h."""
        return cast(m.SigningSecret, self.request("POST", "/v1/webhooks/signing-secret/rotate"))

    # ----------------------------------------------------------------- agents

    def create_agent(self, *, idempotency_key: Optional[str] = None, timeout: Optional[float] = None, **params: Any) -> m.Agent:
        """``POST /v1/agents`` (answers once the browser runs): ``mode``, ``ttl``/``ttl_seconds``, ``initial_url``, ``os_type``, ``country``, …"""
        return cast(m.Agent, self.request("POST", "/v1/agents", body=_fields(params), idempotent=True, idempotency_key=idempotency_key, timeout=self._held(timeout)))

    def list_agents(self, *, mode: Optional[str] = None, status: Optional[str] = None, limit: Optional[int] = None, cursor: Optional[str] = None) -> m.Page:
        """``GET /v1/agents``: newest first."""
        return cast(m.Page, self.request("GET", "/v1/agents", query={"mode": mode, "status": status, "limit": limit, "cursor": cursor}))

    def iter_agents(self, *, mode: Optional[str] = None, status: Optional[str] = None, limit: Optional[int] = None) -> Iterator[m.Agent]:
        """Every agent of the workspace (newest first)."""
        return paginate(lambda cursor: self.list_agents(mode=mode, status=status, limit=limit, cursor=cursor))

    def get_agent(self, agent_id: str) -> m.Agent:
        """``GET /v1/agents/{id}``."""
        return cast(m.Agent, self.request("GET", _path("/v1/agents/{}", agent_id)))

    def delete_agent(self, agent_id: str) -> None:
        """``DELETE /v1/agents/{id}``: ends it (and deletes a persistent agent's profile)."""
        self.request("DELETE", _path("/v1/agents/{}", agent_id))

    def get_agent_cdp(self, agent_id: str) -> m.AgentCdp:
        """``GET /v1/agents/{id}/cdp``: a freshly minted CDP URL; AgentNotRunningError when it is not running."""
        return cast(m.AgentCdp, self.request("GET", _path("/v1/agents/{}/cdp", agent_id)))

    def create_agent_session(self, agent_id: str, *, timeout: Optional[float] = None, **params: Any) -> m.AgentSession:
        """``POST /v1/agents/{id}/sessions`` (persistent agents): ``ttl`` or ``ttl_seconds``."""
        return cast(m.AgentSession, self.request("POST", _path("/v1/agents/{}/sessions", agent_id), body=_fields(params), timeout=self._held(timeout)))

    def list_agent_sessions(self, agent_id: str, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> m.Page:
        """``GET /v1/agents/{id}/sessions``."""
        return cast(m.Page, self.request("GET", _path("/v1/agents/{}/sessions", agent_id), query={"limit": limit, "cursor": cursor}))

    def iter_agent_sessions(self, agent_id: str, *, limit: Optional[int] = None) -> Iterator[m.AgentSession]:
        """Every session of an agent."""
        return paginate(lambda cursor: self.list_agent_sessions(agent_id, limit=limit, cursor=cursor))

    def delete_agent_session(self, agent_id: str, session_id: str) -> None:
        """``DELETE /v1/agents/{id}/sessions/{sid}``: ends it (the profile is saved first)."""
        self.request("DELETE", _path("/v1/agents/{}/sessions/{}", agent_id, session_id))

    def create_preview_token(self, agent_id: str) -> m.PreviewToken:
        """``POST /v1/agents/{id}/preview-token``: a view-only ``live_url`` valid 10 minutes."""
        return cast(m.PreviewToken, self.request("POST", _path("/v1/agents/{}/preview-token", agent_id)))

    def agent_screenshot(self, agent_id: str, *, full_page: Optional[bool] = None) -> m.AgentScreenshot:
        """``POST /v1/agents/{id}/screenshot``: the agent's current page."""
        body = {} if full_page is None else {"full_page": full_page}
        return cast(m.AgentScreenshot, self.request("POST", _path("/v1/agents/{}/screenshot", agent_id), body=body))

    def get_fingerprint(self, agent_id: str) -> m.Fingerprint:
        """``GET /v1/agents/{id}/fingerprint``: what the running browser reports."""
        return cast(m.Fingerprint, self.request("GET", _path("/v1/agents/{}/fingerprint", agent_id)))

    def get_detection_signal(self, agent_id: str) -> m.DetectionSignalAnswer:
        """``GET /v1/agents/{id}/detection-signal``: ``{"signal": None}`` until the checks have run."""
        return cast(m.DetectionSignalAnswer, self.request("GET", _path("/v1/agents/{}/detection-signal", agent_id)))

    def get_trust(self, agent_id: str) -> m.Trust:
        """``GET /v1/agents/{id}/trust``: the score, its band and the inputs that add up to it."""
        return cast(m.Trust, self.request("GET", _path("/v1/agents/{}/trust", agent_id)))


def _date(value: Optional[DateLike]) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, datetime.date) else str(value)

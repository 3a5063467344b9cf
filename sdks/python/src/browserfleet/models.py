"""The shapes of the API's answers, as TypedDicts (field names exactly as in docs/api.md).

TypedDicts rather than dataclasses: an answer stays the plain ``dict`` the server sent (``json``
round-trips it, ``job["status"]`` reads like the docs), a field the server adds later is kept
instead of failing a constructor, and type checkers still see every documented field. They are
``total=False``: fields that only some answers carry (``result``, ``job_id``, …) may be absent.
"""

from typing import Any, Dict, List, Optional, TypedDict


class FieldProblem(TypedDict):
    path: str
    message: str


class JobEnvelope(TypedDict, total=False):
    id: str
    job_id: str
    kind: str  # scrape | screenshot | extract | batch | crawl | task
    status: str  # queued | running | completed | failed | cancelled | input_required
    progress_done: int
    progress_failed: int
    progress_total: int
    credits_charged: int
    created_at: str
    started_at: Optional[str]
    completed_at: Optional[str]
    error_code: Optional[str]
    error_message: Optional[str]
    status_url: str
    result_url: str
    result: Any
    # Tasks (POST /v1/tasks, /v1/auto routed to a task).
    framework: str
    agent_id: Optional[str]
    live_url: Optional[str]
    step_count: int
    routed_via: str
    routing_reason: str


class JobStatus(TypedDict):
    id: str
    status: str
    kind: str
    progress_done: int
    progress_failed: int
    progress_total: int


class ResultItem(TypedDict, total=False):
    url: str
    final_url: Optional[str]
    status: str  # completed | failed
    http_status: Optional[int]
    title: Optional[str]
    duration_ms: Optional[int]
    html: str
    text: str
    links: List[str]
    screenshot_png_b64: str
    markdown: str
    error_code: Optional[str]
    error_message: Optional[str]
    truncated: List[str]


class ScrapeResult(ResultItem, total=False):
    """A sync quick call's answer: the item plus its job."""

    job_id: str
    cost_credits: int


class ExtractResult(TypedDict, total=False):
    url: str
    final_url: Optional[str]
    text: str
    schema: Dict[str, Any]
    prompt: str
    job_id: str
    cost_credits: int


class AutoScrapeResult(TypedDict, total=False):
    routed_via: str  # "scrape"
    routing_reason: str
    url: str
    final_url: Optional[str]
    http_status: Optional[int]
    html: str
    text: str
    agent_id: None
    trust_score: None
    cost_credits: int
    duration_ms: int
    job_id: str


class TaskStep(TypedDict, total=False):
    n: int
    action: str
    args: Dict[str, Any]
    url: Optional[str]
    observation: Optional[str]
    error: Optional[str]
    started_at: str
    duration_ms: int
    input_tokens: Optional[int]
    output_tokens: Optional[int]


class Prices(TypedDict, total=False):
    page: int
    screenshot: int
    extract: int
    task_step: int
    burner_agent: int
    persistent_session: int
    persistent_agent_renewal: int


class Credits(TypedDict):
    balance: int
    currency: str
    prices: Prices


class LedgerEntry(TypedDict):
    id: str
    created_at: str
    delta: int
    balance_after: int
    reason: str
    job_id: Optional[str]
    agent_id: Optional[str]


class UsageDay(TypedDict):
    date: str
    pages: int
    agent_seconds: int
    task_steps: int
    bytes_up: int
    bytes_down: int


class Usage(TypedDict):
    items: List[UsageDay]


class CreatedKey(TypedDict):
    id: str
    name: str
    prefix: str
    key: str
    created_at: str


class ApiKey(TypedDict, total=False):
    id: str
    name: str
    prefix: str
    created_at: str
    last_used_at: Optional[str]
    revoked_at: Optional[str]
    _links: Dict[str, Any]


class Webhook(TypedDict, total=False):
    id: str
    url: str
    events: List[str]
    enabled: bool
    description: Optional[str]
    created_at: str


class WebhookDelivery(TypedDict, total=False):
    event_id: str
    event_type: str
    attempt: int
    status_code: Optional[int]
    delivered_at: Optional[str]
    duration_ms: Optional[int]
    error: Optional[str]
    next_attempt_at: Optional[str]


class SigningSecret(TypedDict):
    secret: str


class PingAnswer(TypedDict):
    event_id: str


class Agent(TypedDict, total=False):
    id: str
    status: str  # queued | running | stopped | destroyed | failed
    mode: str  # burner | persistent
    cdp_url: str
    cdp_http: str
    live_url: Optional[str]
    profile_id: Optional[str]
    session_id: Optional[str]
    os_type: str
    country: str
    persona: Optional[str]
    metadata: Dict[str, Any]
    trust_score: Optional[int]
    cost_credits: int
    bytes_up: int
    bytes_down: int
    created_at: str
    started_at: Optional[str]
    expires_at: Optional[str]
    ended_at: Optional[str]
    ended_reason: Optional[str]
    error_code: Optional[str]


class AgentCdp(TypedDict, total=False):
    cdp_url: str
    cdp_http: str
    live_url: str
    profile_id: Optional[str]
    expires_at: Optional[str]


class AgentSession(TypedDict, total=False):
    id: str
    agent_id: str
    status: str
    cdp_url: str
    cdp_http: str
    live_url: str
    started_at: Optional[str]
    expires_at: Optional[str]
    ended_at: Optional[str]
    ended_reason: Optional[str]


class PreviewToken(TypedDict):
    live_url: str
    expires_at: str


class AgentScreenshot(TypedDict):
    screenshot_png_b64: str
    url: str


class Fingerprint(TypedDict, total=False):
    user_agent: str
    platform: str
    languages: List[str]
    timezone: str
    screen: Dict[str, Any]
    webgl_vendor: Optional[str]
    webgl_renderer: Optional[str]
    canvas_hash: Optional[str]
    audio_hash: Optional[str]
    hardware_concurrency: Optional[int]
    device_memory: Optional[float]


class DetectionCheck(TypedDict):
    name: str
    passed: bool
    detail: Any


class DetectionSignal(TypedDict, total=False):
    sites_tested: int
    sites_passed: int
    checks: List[DetectionCheck]
    measured_at: str


class DetectionSignalAnswer(TypedDict):
    signal: Optional[DetectionSignal]


class TrustInput(TypedDict):
    label: str
    points: int


class Trust(TypedDict):
    trust_score: int
    band: str  # undetected | suspicious | flagged
    inputs: List[TrustInput]


class Page(TypedDict):
    """One page of any list endpoint; the iterators follow ``next_cursor`` for you."""

    items: List[Any]
    next_cursor: Optional[str]

"""A small Stripe, good enough for the official `stripe` library and a browser.

A real HTTP server on 127.0.0.1 (a free port) that speaks the parts of Stripe's
API the playbook sale uses, with Stripe's field names and error shapes:

- POST /v1/checkout/sessions (form-encoded, nested `a[b][0][c]` keys), honouring
  `Idempotency-Key` the way Stripe does: the same key and body replay the first
  answer; the same key with another body is an `idempotency_error`.
- GET /v1/checkout/sessions/{id} and GET /v1/checkout/sessions?payment_intent=...
- GET /v1/disputes/{id}: a dispute in its current state.
- GET /checkout/{id}: a hosted checkout page; its Pay button (POST
  /checkout/{id}/pay) completes the session and redirects to the success URL
  with {CHECKOUT_SESSION_ID} filled in.

Every state change makes an event, delivered to `webhook_url` (an HTTP POST,
signed as Stripe signs: `Stripe-Signature: t=<unix>,v1=<hmac-sha256 hex of
"t.body">`) or to `webhook_client` (a Django test client, for tests that keep
their data in one transaction). Tests steer delivery: "sync" delivers at once in
the calling thread, "thread" delivers in the background after `delay` seconds,
"hold" keeps events until `flush()` (in any order) or `deliver()` (any number
of times, with any timestamp or secret).
"""

import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

API_VERSION = "2026-10-28.endive"
WEBHOOK_PATH = "/playbook/stripe/webhook/"


def _new_id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(12)}"


def parse_form(body: str) -> dict:
    """Stripe's form encoding back into nested dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def listify(node):
        if isinstance(node, dict):
            if node and all(k.isdigit() for k in node):
                return [listify(node[k]) for k in sorted(node, key=int)]
            return {k: listify(v) for k, v in node.items()}
        return node

    return listify(root)


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header for this exact body."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class StripeError(Exception):
    def __init__(self, status: int, kind: str, message: str, code: str = "", param: str = ""):
        super().__init__(message)
        self.status, self.kind, self.code, self.param = status, kind, code, param

    def body(self) -> dict:
        error = {"type": self.kind, "message": str(self)}
        if self.code:
            error["code"] = self.code
        if self.param:
            error["param"] = self.param
        return {"error": error}


class FakeStripe:
    def __init__(self, *, api_key: str, webhook_secret: str):
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.webhook_url: str | None = None
        self.webhook_client = None
        self.delivery = "sync"
        self.delay = 0.0
        self.lock = threading.RLock()
        self.sessions: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.disputes: dict[str, dict] = {}
        # Stripe only returns line items when expanded; the hosted page needs them.
        self.line_items: dict[str, list] = {}
        self.events: list[dict] = []
        self.held: list[dict] = []
        self.deliveries: list[tuple[str, int]] = []
        self.api_calls: list[tuple[str, str]] = []
        self._idempotency: dict[str, tuple[str, int, dict]] = {}
        self._threads: list[threading.Thread] = []
        self._server: ThreadingHTTPServer | None = None

    # --- Running -----------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeStripe":
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        # A short poll keeps stop() quick: the suite starts one fake per test.
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self.wait_for_deliveries()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> "FakeStripe":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def wait_for_deliveries(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        for thread in list(self._threads):
            thread.join(max(0.0, deadline - time.monotonic()))

    # --- The API -------------------------------------------------------------

    def create_session(self, params: dict, idempotency_key: str | None) -> tuple[int, dict]:
        fingerprint = json.dumps(params, sort_keys=True)
        with self.lock:
            if idempotency_key and idempotency_key in self._idempotency:
                seen, status, body = self._idempotency[idempotency_key]
                if seen != fingerprint:
                    raise StripeError(
                        400,
                        "idempotency_error",
                        "Keys for idempotent requests can only be used with the same "
                        "parameters they were first used with.",
                    )
                return status, body
            session = self._new_session(params)
            self.sessions[session["id"]] = session
            self.line_items[session["id"]] = params["line_items"]
            body = json.loads(json.dumps(session))
            if idempotency_key:
                self._idempotency[idempotency_key] = (fingerprint, 200, body)
            return 200, body

    def _new_session(self, params: dict) -> dict:
        for required in ("mode", "success_url", "line_items"):
            if not params.get(required):
                raise StripeError(
                    400, "invalid_request_error", f"Missing required param: {required}.",
                    code="parameter_missing", param=required,
                )  # fmt: skip
        if params["mode"] != "payment":
            raise StripeError(400, "invalid_request_error", "Only mode=payment is faked.")
        total, currency = 0, None
        for item in params["line_items"]:
            price = item.get("price_data") or {}
            try:
                total += int(price["unit_amount"]) * int(item.get("quantity", 1))
                currency = price["currency"].lower()
            except (KeyError, ValueError):
                raise StripeError(
                    400, "invalid_request_error", "line_items need price_data with "
                    "currency and unit_amount.", param="line_items",
                ) from None  # fmt: skip
        now = int(time.time())
        session_id = _new_id("cs")
        return {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": total,
            "amount_total": total,
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": now,
            "currency": currency,
            "customer": None,
            "customer_details": None,
            "customer_email": params.get("customer_email"),
            "expires_at": int(params.get("expires_at") or now + 24 * 3600),
            "livemode": False,
            "metadata": params.get("metadata") or {},
            "mode": "payment",
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params["success_url"],
            "url": f"{self.url}/checkout/{session_id}",
        }

    def get_session(self, session_id: str) -> dict:
        with self.lock:
            session = self.sessions.get(session_id)
            if session is None:
                raise StripeError(
                    404, "invalid_request_error", f"No such checkout.session: '{session_id}'",
                    code="resource_missing", param="session",
                )  # fmt: skip
            return json.loads(json.dumps(session))

    def list_sessions(self, query: dict) -> dict:
        with self.lock:
            found = [
                json.loads(json.dumps(s))
                for s in reversed(self.sessions.values())
                if not query.get("payment_intent") or s["payment_intent"] == query["payment_intent"]
            ]
        limit = int(query.get("limit", 10))
        return {
            "object": "list",
            "data": found[:limit],
            "has_more": len(found) > limit,
            "url": "/v1/checkout/sessions",
        }

    # --- What a customer or the bank does --------------------------------

    def pay(self, session_id: str, *, delayed: bool = False) -> dict:
        """The customer presses Pay. With delayed=True the money is still on its way."""
        with self.lock:
            session = self.sessions[session_id]
            if session["status"] != "open":
                raise StripeError(400, "invalid_request_error", "This session is not open.")
            session["status"] = "complete"
            session["payment_intent"] = _new_id("pi")
            session["customer_details"] = {"email": session["customer_email"]}
            session["payment_status"] = "unpaid" if delayed else "paid"
            if not delayed:
                self._charge(session)
            event = self._event("checkout.session.completed", session)
        self._dispatch(event)
        return event

    def _charge(self, session: dict) -> dict:
        charge = {
            "id": _new_id("ch"),
            "object": "charge",
            "amount": session["amount_total"],
            "amount_captured": session["amount_total"],
            "amount_refunded": 0,
            "currency": session["currency"],
            "disputed": False,
            "paid": True,
            "payment_intent": session["payment_intent"],
            "refunded": False,
            "status": "succeeded",
            "metadata": {},
        }
        self.charges[session["id"]] = charge
        return charge

    def async_succeed(self, session_id: str) -> dict:
        with self.lock:
            session = self.sessions[session_id]
            session["payment_status"] = "paid"
            self._charge(session)
            event = self._event("checkout.session.async_payment_succeeded", session)
        self._dispatch(event)
        return event

    def async_fail(self, session_id: str) -> dict:
        with self.lock:
            event = self._event("checkout.session.async_payment_failed", self.sessions[session_id])
        self._dispatch(event)
        return event

    def expire(self, session_id: str) -> dict:
        with self.lock:
            session = self.sessions[session_id]
            session["status"] = "expired"
            event = self._event("checkout.session.expired", session)
        self._dispatch(event)
        return event

    def refund(self, session_id: str, amount: int | None = None) -> dict:
        with self.lock:
            charge = self.charges[session_id]
            charge["amount_refunded"] += charge["amount"] if amount is None else amount
            charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
            event = self._event("charge.refunded", charge)
        self._dispatch(event)
        return event

    def dispute(
        self, session_id: str, reason: str = "fraudulent", *, inquiry: bool = False
    ) -> dict:
        """The buyer's bank opens a dispute (or, with inquiry=True, asks a question first).

        As Stripe does, a chargeback sends charge.dispute.created and, as the
        money leaves the balance, charge.dispute.funds_withdrawn; an inquiry
        (status warning_needs_response) takes no money and sends only the first.
        Returns the created event; the dispute is its data.object.
        """
        with self.lock:
            charge = self.charges[session_id]
            charge["disputed"] = True
            now = int(time.time())
            dispute = {
                "id": _new_id("du"),
                "object": "dispute",
                "amount": charge["amount"],
                "balance_transactions": [],
                "charge": charge["id"],
                "created": now,
                "currency": charge["currency"],
                "evidence_details": {
                    "due_by": now + 7 * 24 * 3600,
                    "has_evidence": False,
                    "past_due": False,
                    "submission_count": 0,
                },
                "is_charge_refundable": False,
                "livemode": False,
                "metadata": {},
                "payment_intent": charge["payment_intent"],
                "reason": reason,
                "status": "warning_needs_response" if inquiry else "needs_response",
            }
            self.disputes[dispute["id"]] = dispute
            events = [self._event("charge.dispute.created", dispute)]
            if not inquiry:
                events.append(self._move_funds(dispute, -dispute["amount"], "funds_withdrawn"))
        for event in events:
            self._dispatch(event)
        return events[0]

    def _move_funds(self, dispute: dict, amount: int, kind: str) -> dict:
        dispute["balance_transactions"].append(
            {
                "id": _new_id("txn"),
                "object": "balance_transaction",
                "amount": amount,
                "currency": dispute["currency"],
                "reporting_category": "dispute" if amount < 0 else "dispute_reversal",
                "type": "adjustment",
            }
        )
        return self._event(f"charge.dispute.{kind}", dispute)

    def respond_to_dispute(self, dispute_id: str) -> dict:
        """The merchant submits evidence: charge.dispute.updated, status under_review."""
        with self.lock:
            dispute = self.disputes[dispute_id]
            dispute["status"] = (
                "warning_under_review"
                if dispute["status"].startswith("warning_")
                else "under_review"
            )
            dispute["evidence_details"]["has_evidence"] = True
            dispute["evidence_details"]["submission_count"] += 1
            event = self._event("charge.dispute.updated", dispute)
        self._dispatch(event)
        return event

    def close_dispute(self, dispute_id: str, outcome: str) -> list[dict]:
        """The bank decides: "won", "lost", or for an inquiry "warning_closed".

        A won chargeback also sends charge.dispute.funds_reinstated, as the money
        comes back. Returns the events in the order Stripe sends them.
        """
        allowed = {"won", "lost", "warning_closed"}
        if outcome not in allowed:
            raise ValueError(f"outcome must be one of {sorted(allowed)}")
        with self.lock:
            dispute = self.disputes[dispute_id]
            inquiry = dispute["status"].startswith("warning_")
            if inquiry != (outcome == "warning_closed"):
                raise ValueError(f"a {dispute['status']} dispute can't close as {outcome}")
            dispute["status"] = outcome
            events = [self._event("charge.dispute.closed", dispute)]
            if outcome == "won":
                events.append(self._move_funds(dispute, dispute["amount"], "funds_reinstated"))
        for event in events:
            self._dispatch(event)
        return events

    def get_dispute(self, dispute_id: str) -> dict:
        with self.lock:
            dispute = self.disputes.get(dispute_id)
            if dispute is None:
                raise StripeError(
                    404, "invalid_request_error", f"No such dispute: '{dispute_id}'",
                    code="resource_missing", param="dispute",
                )  # fmt: skip
            return json.loads(json.dumps(dispute))

    def tamper(self, session_id: str, **fields) -> None:
        """Change a stored session behind the app's back (e.g. amount_total)."""
        with self.lock:
            self.sessions[session_id].update(fields)

    def emit(self, event_type: str, obj: dict) -> dict:
        """Any event at all, e.g. one the app doesn't handle."""
        with self.lock:
            event = self._event(event_type, obj)
        self._dispatch(event)
        return event

    # --- Webhooks --------------------------------------------------------------

    def _event(self, event_type: str, obj: dict) -> dict:
        event = {
            "id": _new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": {"object": json.loads(json.dumps(obj))},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }
        self.events.append(event)
        return event

    def _dispatch(self, event: dict) -> None:
        if self.delivery == "hold":
            with self.lock:
                self.held.append(event)
        elif self.delivery == "thread":
            thread = threading.Thread(target=self._deliver_later, args=(event,), daemon=True)
            self._threads.append(thread)
            thread.start()
        else:
            self.deliver(event)

    def _deliver_later(self, event: dict) -> None:
        time.sleep(self.delay)
        self.deliver(event)

    def flush(self, *, reverse: bool = False) -> list[int]:
        """Deliver the held events, oldest first or (reverse=True) newest first."""
        with self.lock:
            events, self.held = self.held, []
        if reverse:
            events.reverse()
        return [self.deliver(event) for event in events]

    def event_body(self, event: dict) -> str:
        # Stripe sends pretty-printed JSON; the signature covers these exact bytes.
        return json.dumps(event, indent=2)

    def deliver(
        self, event: dict, *, timestamp: int | None = None, secret: str | None = None
    ) -> int:
        """POST one event to the app, signed; returns the HTTP status."""
        body = self.event_body(event)
        header = sign(body, self.webhook_secret if secret is None else secret, timestamp)
        status = self.post(body, header)
        with self.lock:
            self.deliveries.append((event["id"], status))
        return status

    def post(self, body: str | bytes, signature: str | None) -> int:
        """Send any body with any signature header to the app's webhook."""
        data = body.encode() if isinstance(body, str) else body
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        }
        if signature is not None:
            headers["Stripe-Signature"] = signature
        if self.webhook_client is not None:
            response = self.webhook_client.post(
                WEBHOOK_PATH,
                data=data,
                content_type=headers["Content-Type"],
                headers={k: v for k, v in headers.items() if k != "Content-Type"},
            )
            return response.status_code
        assert self.webhook_url and urlsplit(self.webhook_url).scheme == "http"
        request = urllib.request.Request(self.webhook_url, data=data, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def statuses(self, event_id: str) -> list[int]:
        return [status for eid, status in self.deliveries if eid == event_id]

    def sessions_created(self) -> int:
        return len(self.sessions)


def _handler_for(fake: FakeStripe) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args) -> None:
            pass

        # --- plumbing ---

        def _send(self, status: int, body: bytes, content_type: str, headers=None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Request-Id", _new_id("req"))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, payload: dict, headers=None) -> None:
            self._send(status, json.dumps(payload).encode(), "application/json", headers)

        def _body(self) -> str:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length).decode() if length else ""

        def _authorised(self) -> bool:
            if self.headers.get("Authorization") == f"Bearer {fake.api_key}":
                return True
            self._json(
                401,
                {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}},
            )
            return False

        def _api(self, call: Callable[[], tuple[int, dict]]) -> None:
            try:
                status, payload = call()
            except StripeError as exc:
                self._json(exc.status, exc.body())
            else:
                self._json(status, payload)

        # --- routes ---

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            with fake.lock:
                fake.api_calls.append(("GET", parts.path))
            if parts.path == "/v1/checkout/sessions":
                if self._authorised():
                    query = dict(parse_qsl(parts.query))
                    self._api(lambda: (200, fake.list_sessions(query)))
            elif m := re.fullmatch(r"/v1/checkout/sessions/([\w-]+)", parts.path):
                if self._authorised():
                    self._api(lambda: (200, fake.get_session(m[1])))
            elif m := re.fullmatch(r"/v1/disputes/([\w-]+)", parts.path):
                if self._authorised():
                    self._api(lambda: (200, fake.get_dispute(m[1])))
            elif m := re.fullmatch(r"/checkout/([\w-]+)", parts.path):
                self._hosted_page(m[1])
            else:
                self._json(
                    404,
                    StripeError(404, "invalid_request_error", "Unrecognized request URL").body(),
                )

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            body = self._body()
            with fake.lock:
                fake.api_calls.append(("POST", parts.path))
            if parts.path == "/v1/checkout/sessions":
                if self._authorised():
                    key = self.headers.get("Idempotency-Key")
                    self._api(lambda: fake.create_session(parse_form(body), key))
            elif m := re.fullmatch(r"/checkout/([\w-]+)/pay", parts.path):
                try:
                    fake.pay(m[1])
                except (KeyError, StripeError):
                    self._send(400, b"This checkout can't be paid.", "text/plain")
                    return
                session = fake.get_session(m[1])
                target = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])
                self._send(HTTPStatus.SEE_OTHER, b"", "text/plain", {"Location": target})
            else:
                self._json(
                    404,
                    StripeError(404, "invalid_request_error", "Unrecognized request URL").body(),
                )

        def _hosted_page(self, session_id: str) -> None:
            try:
                session = fake.get_session(session_id)
            except StripeError:
                self._send(404, b"No such checkout.", "text/plain")
                return
            price = fake.line_items[session_id][0]["price_data"]
            item = price.get("product_data", {}).get("name", "your order")
            amount = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
            if session["status"] == "open":
                action = (
                    f'<form method="post" action="/checkout/{session_id}/pay">'
                    f'<button type="submit">Pay {amount}</button></form>'
                    f'<p><a href="{html.escape(session["cancel_url"] or "")}">Cancel</a></p>'
                )
            else:
                action = f"<p>This checkout is {html.escape(session['status'])}.</p>"
            page = (
                "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
                "<title>Fake Stripe Checkout</title></head><body>"
                f"<h1>Pay {html.escape(item)}</h1>"
                f"<p>Amount: <strong>{amount}</strong></p>"
                f"<p>Email: {html.escape(session['customer_email'] or '')}</p>"
                "<p>Card: 4242 4242 4242 4242 (test mode)</p>"
                f"{action}</body></html>"
            )
            self._send(200, page.encode(), "text/html; charset=utf-8")

    return Handler

"""Every injectable fault, observed over real HTTP."""

from __future__ import annotations

import re
import socket
import time
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from scraper.replica.faults import FaultSet, FaultSpecError


def _path(srv: Any, ident: str) -> str:
    return urlsplit(srv.action_url(ident)).path


@pytest.mark.parametrize("code", [500, 502, 503])
def test_server_errors_only_the_first_n_times(serve: Any, client: httpx.Client, code: int) -> None:
    srv = serve(era="v1", faults=f"/actions/112={code}x2")
    url = srv.action_url("112")
    assert [client.get(url).status_code for _ in range(3)] == [code, code, 200]
    assert client.get(srv.action_url("111")).status_code == 200


def test_429_retry_after_seconds_and_http_date(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v3", faults="/actions/112=429:retry-after=2;/actions/113=429:retry-after=date+30")
    first = client.get(srv.action_url("112"))
    assert first.status_code == 429 and first.headers["Retry-After"] == "2"
    second = client.get(srv.action_url("113"))
    when = parsedate_to_datetime(second.headers["Retry-After"])
    assert second.status_code == 429 and when.tzinfo is not None


def test_slow_response(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v1", faults="/actions/112=slow:0.3")
    started = time.monotonic()
    assert client.get(srv.action_url("112")).status_code == 200
    assert time.monotonic() - started >= 0.3  # a lower bound the fault guarantees, not a performance check


def test_connection_reset(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v1", faults="/actions/112=resetx1")
    with pytest.raises(httpx.TransportError):
        client.get(srv.action_url("112"))
    assert client.get(srv.action_url("112")).status_code == 200


def test_truncated_body_promises_more_than_it_sends(serve: Any) -> None:
    srv = serve(era="v3", faults="/actions/112=truncate")
    host, port = srv.base_url.split("://")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(f"GET {_path(srv, '112')} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"Content-Length: (\d+)", head).group(1))  # type: ignore[union-attr]
    assert 0 < len(body) < length


def test_redirect_chain_and_loop(serve: Any) -> None:
    srv = serve(era="v1", faults="/actions/112=redirect:3;/actions/113=loop")
    with httpx.Client(follow_redirects=True, max_redirects=10) as c:
        resp = c.get(srv.action_url("112"))
        assert resp.status_code == 200 and len(resp.history) == 3
        with pytest.raises(httpx.TooManyRedirects):
            c.get(srv.action_url("113"))


def test_prev_next_cycle_and_off_host_next(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v1", faults="/actions/113=next:111;/actions/114=next-host:http://elsewhere.example")
    assert f'href="{_path(srv, "111")}">Seuraava' in client.get(srv.action_url("113")).text
    assert 'href="http://elsewhere.example/actions/' in client.get(srv.action_url("114")).text


def test_huge_page(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v1", faults="/actions/112=huge")
    resp = client.get(srv.action_url("112"))
    assert int(resp.headers["Content-Length"]) == len(resp.content) > 10 * 1024 * 1024


def test_wrong_charset_declarations(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v1", faults="/actions/112=charset:latin1;/actions/113=charset:utf8-as-latin1")
    latin = client.get(srv.action_url("112"))
    assert "charset=utf-8" in latin.headers["Content-Type"]
    with pytest.raises(UnicodeDecodeError):
        latin.content.decode("utf-8")
    mislabelled = client.get(srv.action_url("113"))
    assert "iso-8859-1" in mislabelled.headers["Content-Type"]
    assert "ä" in mislabelled.content.decode("utf-8")


def test_non_html_content_type(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v3", faults="/actions/112=type:application/pdf")
    assert client.get(srv.action_url("112")).headers["Content-Type"] == "application/pdf"


def test_halfway_fault_fails_everything_from_the_kth_action_page(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v3", faults="halfway=3")
    chain = srv.chain()
    codes = [client.get(srv.action_url(i)).status_code for i in chain[:4]]
    assert codes == [200, 200, 503, 503]
    assert client.get(srv.base_url + "/robots.txt").status_code == 503


def test_faults_switch_at_run_time_and_glob(serve: Any, client: httpx.Client) -> None:
    srv = serve(era="v1")
    assert client.get(srv.action_url("112")).status_code == 200
    srv.set_faults("/actions/11*=503")
    assert client.get(srv.action_url("112")).status_code == 503
    assert client.get(srv.action_url("12")).status_code == 200


@pytest.mark.parametrize("spec", ["/x", "/x=boom", "/x=500xz", "halfway=0", "/x=next", "/x=charset:ebcdic"])
def test_bad_fault_specs_are_refused(spec: str) -> None:
    with pytest.raises(FaultSpecError):
        FaultSet(spec)

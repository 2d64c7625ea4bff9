#!/usr/bin/env python3
"""Drive fazhi's Open311 GeoReport v2 server with third-party client libraries from PyPI.

Two existing clients are used, unchanged:
  * georeport 0.3.1 (2025, Python 3): lists services, reads service definitions and requests,
    in JSON and in XML (parsed by xmltodict). It cannot create requests.
  * three 0.8.0 (Code for America, 2013): creates requests (form-urlencoded, and multipart with a
    photo), reads them back and resolves tokens, in JSON. It was written for Python 2; the only
    Python 3 break on its JSON path is `from itertools import ifilter`, shimmed below. Its XML
    path (`dict.keys()[0]`) does not run on Python 3, so XML is covered by georeport.

Usage (CI):
  python3 -m venv /tmp/open311-venv
  /tmp/open311-venv/bin/pip install georeport==0.3.1 three==0.8.0
  cargo build -p fazhi
  /tmp/open311-venv/bin/python scripts/open311_client_check.py --fazhi-bin target/debug/fazhi

With --fazhi-bin the script starts `fazhi demo` on a free loopback port with a temporary data
directory and uses the demo key; otherwise pass --base and --api-key of a running server.
Exit status 0 when every check passes, 1 otherwise.
"""

import argparse
import itertools
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import zlib
import time
import urllib.request

itertools.ifilter = filter  # three 0.8.0 is Python 2 code; see the module docstring.

from georeport import GeoReport  # noqa: E402
from three import Three  # noqa: E402

DEMO_KEY = "fazhi-demo-open311-key-2026"
JURISDICTION = "wolong.nanyang.gov.cn"
DESCRIPTION = "中州路与新华路口东北角有人摆摊卖烤红薯，占了半条人行道，早晚高峰行人只能走机动车道。"
ADDRESS = "南阳市卧龙区中州路与新华路交叉口东北角"


def png(width, height, rgb):
    """A real one-colour PNG (the server decodes every uploaded image)."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    row = b"\0" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


PHOTO = png(64, 48, (200, 60, 40))

failures = []
passes = []


def check(what, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + what + ("" if condition else f" — {detail}"))
    (passes if condition else failures).append(what)


def as_list(x):
    """xmltodict gives a dict for a single repeated element, a list for several."""
    return x if isinstance(x, list) else [x]


def start_demo(binary):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data_dir = tempfile.mkdtemp(prefix="fazhi-open311-check-")
    proc = subprocess.Popen(
        [binary, "demo", "--listen", f"127.0.0.1:{port}", "--data-dir", data_dir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as r:
                if r.status == 200:
                    return proc, data_dir, base + "/open311/v2"
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    sys.exit("fazhi demo did not start")


def run(base, api_key):
    # --- georeport: services and definitions, JSON and XML -------------------------------
    for fmt in ("json", "xml"):
        client = GeoReport(base, jurisdiction=JURISDICTION, output_format=fmt)
        services = as_list(client.get_service_list())
        codes = {s["service_code"]: s for s in services}
        check(f"georeport {fmt}: services listed", "zhan_dao_jing_ying" in codes, services)
        check(
            f"georeport {fmt}: Chinese service name",
            codes.get("zhan_dao_jing_ying", {}).get("service_name") == "占道经营",
            codes.get("zhan_dao_jing_ying"),
        )
        definition = client.get_service_definition("zhan_dao_jing_ying")
        attributes = definition["attributes"]
        if fmt == "xml":
            attributes = as_list(attributes["attribute"])
        check(
            f"georeport {fmt}: service definition",
            definition["service_code"] == "zhan_dao_jing_ying"
            and attributes[0]["code"] == "stall_kind",
            definition,
        )

    # --- three: create in Chinese (form-urlencoded), read back, token --------------------
    t = Three(base + "/", api_key=api_key, jurisdiction=JURISDICTION, format="json")
    created = t.post(
        "zhan_dao_jing_ying",
        address=ADDRESS,
        description=DESCRIPTION,
        lat="32.9991",
        long="112.5402",
        **{"attribute[stall_kind]": "mobile", "attribute[recurrence]": "daily_period"},
    )
    check("three: POST answered 200", t.post_response.status_code == 200, t.post_response.text)
    request_id = created[0]["service_request_id"]
    check("three: service_request_id is a string", isinstance(request_id, str), created)
    back = t.request(request_id)[0]
    check("three: description round-trips", back["description"] == DESCRIPTION, back)
    check("three: address round-trips", back["address"] == ADDRESS, back)
    check("three: status open", back["status"] == "open", back)
    check(
        "three: token resolves",
        t.token(created[0]["token"])[0]["service_request_id"] == request_id,
        created,
    )
    check(
        "three: listed in requests",
        request_id in [r["service_request_id"] for r in t.requests()],
    )

    # --- three: multipart with a photo (v2.1 draft media) --------------------------------
    path = os.path.join(tempfile.mkdtemp(), "现场.png")
    with open(path, "wb") as f:
        f.write(PHOTO)
    with open(path, "rb") as photo:
        with_media = t.post(
            "wei_gui_guang_gao",
            address="南阳市卧龙区解放路电线杆",
            description="电线杆上贴满了办证小广告。",
            media=photo,
            **{"attribute[ad_kind]": "sticker"},
        )
    check("three: POST with media answered 200", t.post_response.status_code == 200, t.post_response.text)
    media_id = with_media[0]["service_request_id"]

    # --- georeport: read both back, JSON and XML -------------------------------------------
    for fmt in ("json", "xml"):
        client = GeoReport(base, jurisdiction=JURISDICTION, output_format=fmt)
        one = client.get_service_request(request_id)
        check(f"georeport {fmt}: description round-trips", one["description"] == DESCRIPTION, one)
        check(f"georeport {fmt}: service name", one["service_name"] == "占道经营", one)
        ids = [r["service_request_id"] for r in as_list(client.get_service_requests(service_request_id=f"{request_id},{media_id}"))]
        check(f"georeport {fmt}: both requests found", sorted(ids) == sorted([request_id, media_id]), ids)
        listed = as_list(client.get_service_requests(service_code="zhan_dao_jing_ying", status="open"))
        check(f"georeport {fmt}: filtered list", request_id in [r["service_request_id"] for r in listed])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fazhi-bin", help="start `fazhi demo` from this binary")
    parser.add_argument("--base", help="Open311 base URL, e.g. http://127.0.0.1:8080/open311/v2")
    parser.add_argument("--api-key", default=DEMO_KEY)
    args = parser.parse_args()
    proc = data_dir = None
    if args.fazhi_bin:
        proc, data_dir, base = start_demo(args.fazhi_bin)
    elif args.base:
        base = args.base.rstrip("/")
    else:
        parser.error("give --fazhi-bin or --base")
    try:
        run(base, args.api_key)
    except Exception as e:  # a client crash is a failed check, reported as such
        check("client run without exception", False, repr(e))
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=10)
            shutil.rmtree(data_dir, ignore_errors=True)
    if failures:
        print(f"Open311 客户端检查失败：{len(failures)} 项")
    else:
        print("Open311 客户端检查全部通过")
    print(f"open311-clients: {len(passes)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

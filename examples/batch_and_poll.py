"""Submit a batch, wait for it, print each page's outcome.

    BROWSERFLEET_API_KEY=agt_live_… PYTHONPATH=sdks/python/src python3 examples/batch_and_poll.py https://example.com https://example.org
"""
import os
import sys

from browserfleet import Client


def main(urls):
    if not urls:
        raise SystemExit("give one or more URLs")
    client = Client(api_key=os.environ.get("BROWSERFLEET_API_KEY", ""), base_url=os.environ.get("BROWSERFLEET_API_URL", "http://127.0.0.1:3000"))
    job = client.batch(urls, formats=["text"])
    print(f"batch {job['id']}: {len(urls)} pages queued")
    done = client.wait_for_job(job["id"], timeout=600)
    succeeded = done["progress_done"] - done["progress_failed"]
    print(f"batch {done['id']} {done['status']}: {succeeded} succeeded, {done['progress_failed']} failed, {done['credits_charged']} credits")
    for item in client.iter_results(job["id"]):
        print(f"{item['status']} {item.get('http_status') or '-'} {item['url']} {item.get('title') or item.get('error_code') or ''}")


if __name__ == "__main__":
    main(sys.argv[1:])

"""The in-flight request bound: never more than `limit` requests inside the app; the rest wait
and are all answered."""

from __future__ import annotations

import asyncio

import httpx

from netsafe.web.concurrency import ConcurrencyLimit


def test_requests_beyond_the_limit_wait_their_turn() -> None:
    inside = 0
    most = 0

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        await asyncio.sleep(0.01)
        inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": b"ok"})  # type: ignore[operator]

    async def burst() -> list[int]:
        transport = httpx.ASGITransport(app=ConcurrencyLimit(app, limit=3))  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            responses = await asyncio.gather(*(client.get("/") for _ in range(20)))
        return [r.status_code for r in responses]

    assert asyncio.run(burst()) == [200] * 20
    assert most == 3

"""A shared server per client profile for tests that do not change server-wide state.

Starting the server costs about a second; tests that only open their own documents share
one session per profile (each test uses fresh file names). Tests that change settings or
capabilities start their own session.
"""

from __future__ import annotations

import pytest
import pytest_asyncio

from .session import PROFILES, start_session, stop_session


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=PROFILES)
async def shared(request, tmp_path_factory):
    session = await start_session(request.param, tmp_path_factory.mktemp(request.param))
    yield session
    await stop_session(session)


@pytest.fixture
def session(shared, request):
    shared.prefix = request.node.name.split("[")[0]
    return shared

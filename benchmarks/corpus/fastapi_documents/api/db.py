import aiosqlite

DB = "documents.db"


async def fetch_one(sql, params=()):
    async with aiosqlite.connect(DB) as conn:
        conn.row_factory = aiosqlite.Row
        cur = await conn.execute(sql, params)
        return await cur.fetchone()


async def fetch_all(sql, params=()):
    async with aiosqlite.connect(DB) as conn:
        conn.row_factory = aiosqlite.Row
        cur = await conn.execute(sql, params)
        return await cur.fetchall()

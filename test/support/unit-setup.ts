// The unit tier needs no services: aim every service setting at nothing, so a test that does need one fails fast.
process.env.DATABASE_URL = "postgresql://unit-tests-use-no-database@127.0.0.1:1/none";
process.env.REDIS_URL = "redis://127.0.0.1:1";
process.env.CHROMIUM_PATH = "/nonexistent/unit-tests-use-no-chromium";

"""Agents and AI tasks against the real stack (one agent slot; the fake LLM asks, then finishes with the answer)."""

import unittest

from bf_support import browserfleet, setting, stack_client


class AgentsAndTasks(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.client = stack_client()
        cls.site = setting("site_url")

    def test_1_burner_and_persistent_agents_every_method(self) -> None:
        client, site = self.client, self.site
        agent = client.create_agent(initial_url=f"{site}/simple", ttl_seconds=300)
        self.assertIn(f"/v1/cdp/{agent['id']}?token=", agent["cdp_url"])
        self.assertRegex(agent["id"], r"^agt_[0-9a-f]{20}$")
        self.assertEqual(client.get_agent(agent["id"])["status"], "running")
        self.assertIn(agent["id"], [a["id"] for a in client.list_agents()["items"]])
        self.assertEqual([a["id"] for a in client.iter_agents(status="running")], [agent["id"]])
        self.assertIn(agent["id"], client.get_agent_cdp(agent["id"])["cdp_url"])
        self.assertIn(f"/live/{agent['id']}", client.create_preview_token(agent["id"])["live_url"])
        shot = client.agent_screenshot(agent["id"])
        self.assertEqual(shot["url"], f"{site}/simple")
        self.assertTrue(shot["screenshot_png_b64"])
        self.assertIsInstance(client.get_fingerprint(agent["id"])["user_agent"], str)
        self.assertIn("signal", client.get_detection_signal(agent["id"]))
        trust = client.get_trust(agent["id"])
        self.assertEqual(sum(i["points"] for i in trust["inputs"]), trust["trust_score"])
        self.assertEqual(len(client.list_agent_sessions(agent["id"])["items"]), 1)
        self.assertEqual(len(list(client.iter_agent_sessions(agent["id"]))), 1)
        client.delete_agent(agent["id"])
        client.delete_agent(agent["id"])  # again: 204
        with self.assertRaises(browserfleet.AgentNotRunningError) as gone:
            client.get_agent_cdp(agent["id"])
        self.assertEqual(gone.exception.status, 409)
        with self.assertRaises(browserfleet.InvalidIdError):
            client.get_agent("not-an-agent")

        persistent = client.create_agent(mode="persistent", ttl_seconds=300)
        self.assertEqual(persistent["mode"], "persistent")
        with self.assertRaises(browserfleet.AgentRunningError):
            client.create_agent_session(persistent["id"], ttl_seconds=120)
        client.delete_agent_session(persistent["id"], persistent["session_id"])
        session = client.create_agent_session(persistent["id"], ttl_seconds=120)
        self.assertEqual((session["status"], session["agent_id"]), ("running", persistent["id"]))
        client.delete_agent(persistent["id"])

    def test_2_tasks_respond_steps_and_auto(self) -> None:
        client, site = self.client, self.site
        task = client.create_task(
            "Ask me which one", llm="openai:any", llm_api_key="sk-python-sdk-test", llm_base_url=setting("llm_base_url"), initial_url=f"{site}/simple"
        )
        self.assertEqual(task["kind"], "task")
        waiting = client.wait_for_job(task["id"], timeout=120, until_input_required=True)
        self.assertEqual((waiting["status"], waiting["result"]["question"]), ("input_required", "Which one?"))
        self.assertEqual(client.respond_to_job(task["id"], "the second")["status"], "running")
        done = client.wait_for_job(task["id"], timeout=120)
        self.assertEqual((done["status"], done["result"]["final_result"]), ("completed", "the second"))
        with self.assertRaises(browserfleet.JobNotWaitingError) as not_waiting:
            client.respond_to_job(task["id"], "again")
        self.assertTrue(not_waiting.exception.request_id)
        self.assertEqual([step["action"] for step in client.iter_task_steps(task["id"], limit=1)], ["ask_user", "done"])
        self.assertEqual(client.list_task_steps(task["id"], limit=1)["next_cursor"], "1")
        routed = client.auto(f"Fetch {site}/simple and return it")
        self.assertEqual((routed["routed_via"], routed["url"]), ("scrape", f"{site}/simple"))


if __name__ == "__main__":
    unittest.main()

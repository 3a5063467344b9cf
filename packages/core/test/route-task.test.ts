import { describe, expect, it } from "vitest";
import { routeTask, urlsInTask } from "../src/tasks/route-task.ts";

const U = "https://example.com/page";

/** [task, route, the reason's telling part] — both routes, every verb of the contract, and the traps. */
const TABLE: ReadonlyArray<readonly [string, "scrape" | "task", string]> = [
  // Fetch verbs with one URL and nothing interactive → scrape.
  [`Go to ${U} and return the h1 text.`, "scrape", `"go to"`],
  [`go to ${U}`, "scrape", `"go to"`],
  [`Visit ${U} and tell me the title`, "scrape", `"visit"`],
  [`Fetch ${U}`, "scrape", `"fetch"`],
  [`Return the main heading of ${U}`, "scrape", `"return"`],
  [`Extract all prices listed on ${U}.`, "scrape", `"extract"`],
  [`Read ${U} and summarise it`, "scrape", `"read"`],
  [`Navigate to ${U} and give me the page text`, "scrape", `"navigate to"`],
  [`Open ${U} and report the status`, "scrape", `"open"`],
  [`Please OPEN ${U}!`, "scrape", `"open"`],
  [`Could you fetch (${U})?`, "scrape", `"fetch"`],
  [`Extract the links from "${U}"`, "scrape", `"extract"`],
  [`Visiting ${U}, what does the footer say? Return it.`, "scrape", `"visit"`],
  [`Read the article at ${U}; return its author`, "scrape", `"read"`],
  [`Go to ${U}/search?filter=new&sort=price and return the first result`, "scrape", `"go to"`],
  [`Open ${U}#submit-section and read the FAQ`, "scrape", `"open"`],
  [`Navigate to ${U} and extract the table`, "scrape", `"navigate to"`],
  [`Fetch ${U} twice, i.e. fetch ${U}`, "scrape", `"fetch"`],
  // Interactive verbs (and their inflections) → task, even with one URL and a fetch verb.
  [`Go to ${U} and click the login button`, "task", `"click"`],
  [`Visit ${U}, clicking "More" until the end`, "task", `"click"`],
  [`Open ${U} and type "shoes" into the search box`, "task", `"type"`],
  [`Go to ${U}, fill the contact form and return the confirmation`, "task", `"fill"`],
  [`Open ${U} and submit the form`, "task", `"submit"`],
  [`Visit ${U}, log in with my account and return my orders`, "task", `"log in"`],
  [`Go to ${U} and login, then read the inbox`, "task", `"log in"`],
  [`Go to ${U} and sign in`, "task", `"log in"`],
  [`Go to ${U} and sign up for the newsletter`, "task", `"sign up"`],
  [`Open ${U}, scroll to the bottom and read the footer`, "task", `"scroll"`],
  [`Go to ${U} and press Enter`, "task", `"press"`],
  [`Visit ${U} and select the blue variant`, "task", `"select"`],
  [`Open ${U}, choose the cheapest plan and return its price`, "task", `"choose"`],
  [`Go to ${U} and hover over the menu`, "task", `"hover"`],
  [`Go to ${U} and search for "laptops"`, "task", `"search for"`],
  [`Open ${U}, filter by size 42 and return the results`, "task", `"filter"`],
  [`Visit ${U}, sort by price and read the first item`, "task", `"sort by"`],
  [`Go to ${U} and add the red mug to the cart`, "task", `"add to cart"`],
  [`Go to ${U} and add it to my basket`, "task", `"add to cart"`],
  [`Open ${U} and checkout`, "task", `"checkout"`],
  [`Go to ${U}, then check out with PayPal`, "task", `"checkout"`],
  [`Fetch ${U} after you have typed the code`, "task", `"type"`],
  // No URL, several URLs, or no fetch verb → task.
  ["Find the cheapest flight from Berlin to Rome next Friday", "task", "no URL"],
  ["Go to example.com and return the title", "task", "no URL"],
  [`Compare ${U} with https://example.org/other and return the differences`, "task", "2 URLs"],
  [`Go to ${U} and https://example.org/ and https://example.net/`, "task", "3 URLs"],
  [`Summarise ${U}`, "task", "no fetch verb"],
  [`What is on ${U}?`, "task", "no fetch verb"],
  [`${U}`, "task", "no fetch verb"],
];

describe("routeTask: the smart router's heuristic", () => {
  it("has a table of at least 40 phrasings covering both routes", () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
    expect(new Set(TABLE.map(([, route]) => route))).toEqual(new Set(["scrape", "task"]));
  });

  it.each(TABLE)("%s → %s (%s)", (task, route, reasonPart) => {
    const decided = routeTask(task);
    expect(decided.route).toBe(route);
    expect(decided.reason).toContain(reasonPart);
    if (decided.route === "scrape") expect(decided.url).toBe(urlsInTask(task)[0]);
  });

  it("takes the URL without the punctuation that ends the sentence around it", () => {
    expect(urlsInTask(`Go to ${U}. Then read (${U}/a), "${U}/b"!`)).toEqual([U, `${U}/a`, `${U}/b`]);
    const routed = routeTask(`Please fetch ${U}.`);
    expect(routed).toMatchObject({ route: "scrape", url: U });
  });
});

/**
 * The docs' links are checked: every relative link in README.md and docs/
 * names a file that exists, and a `#fragment` names a heading of the page
 * it points to (GitHub's anchors), so moving or renaming a page or a
 * section cannot leave a link behind.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { fences, markdownFiles, root } from "./support/doc-samples.js";

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

// The Markdown with its fenced blocks and inline code blanked out, so links shown as code are not read.
function prose(markdown: string): string {
  const lines = markdown.split("\n");
  for (const fence of fences(markdown)) {
    const count = fence.code === "" ? 0 : fence.code.split("\n").length;
    for (let i = fence.line - 2; i <= fence.line - 1 + count && i < lines.length; i++) lines[i] = "";
  }
  return lines.join("\n").replace(/`[^`\n]*`/g, (code) => " ".repeat(code.length));
}

/** The anchors of a page's headings, with GitHub's `-1`, `-2` for repeats. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const text = markdown.split("\n");
  const blanked = prose(markdown).split("\n");
  text.forEach((line, i) => {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading === null || blanked[i] === "") return;
    const base = anchorOf(heading[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  });
  return anchors;
}

/** The relative links of `file` that lead nowhere, as `file:line target (why)`. */
export function brokenLinks(file: string, markdown: string, read: (path: string) => string | undefined): string[] {
  const broken: string[] = [];
  prose(markdown).split("\n").forEach((line, i) => {
    for (const match of line.matchAll(/\]\(([^()\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;          // http:, https:, mailto:
      const [path, fragment] = target.split("#", 2) as [string, string | undefined];
      const resolved = path === "" ? file : normalize(join(dirname(file), decodeURIComponent(path)));
      const text = read(resolved);
      if (text === undefined) {
        broken.push(`${file}:${i + 1} ${target} (no file ${resolved})`);
      } else if (fragment !== undefined && resolved.endsWith(".md") && !anchorsOf(text).has(fragment)) {
        broken.push(`${file}:${i + 1} ${target} (no heading #${fragment} in ${resolved})`);
      }
    }
  });
  return broken;
}

const readRepo = (path: string): string | undefined => {
  const full = join(root, path);
  if (!existsSync(full)) return undefined;
  return path.endsWith(".md") ? readFileSync(full, "utf8") : "";
};

describe("the link checker", () => {
  it("makes GitHub's anchors", () => {
    expect(["In process: `app.getResponse()`", "Replacing the router's steps", "`cors(options)`", "Route groups: prefixes, names and domains"].map(anchorOf))
      .toEqual(["in-process-appgetresponse", "replacing-the-routers-steps", "corsoptions", "route-groups-prefixes-names-and-domains"]);
    expect([...anchorsOf("# A\n## Files\n```md\n# Not a heading\n```\n### Files")]).toEqual(["a", "files", "files-1"]);
  });

  it("reports a missing page and a missing heading, and reads no link inside code", () => {
    const pages: Record<string, string> = { "docs/a.md": "# A\n## Here\n", "docs/b.md": "" };
    const markdown = "See [a](a.md#here), [gone](gone.md), [bad](a.md#there), [web](https://example.com/x.md), [self](#top).\n`[code](nowhere.md)`\n```md\n[fenced](nowhere.md)\n```\n# Top";
    expect(brokenLinks("docs/b.md", markdown, (path) => (path === "docs/b.md" ? markdown : pages[path]))).toEqual([
      "docs/b.md:1 gone.md (no file docs/gone.md)",
      "docs/b.md:1 a.md#there (no heading #there in docs/a.md)",
    ]);
  });
});

it("every relative link of README.md and docs/ leads to a file and a heading that exist", () => {
  const broken = markdownFiles().flatMap((file) => brokenLinks(file, readRepo(file)!, readRepo));
  expect(broken).toEqual([]);
});

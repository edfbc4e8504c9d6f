import { describe, expect, it } from "vitest";
import { parseGitlabTime } from "../../../src/deploys/adapters/gitlab-time.ts";

describe("GitLab hook times", () => {
  it("reads the offset form and the UTC form of the same instant alike", () => {
    expect(parseGitlabTime("2021-04-28 21:50:00 +0200")).toBe(Date.UTC(2021, 3, 28, 19, 50, 0));
    expect(parseGitlabTime("2021-04-28 19:50:00 UTC")).toBe(Date.UTC(2021, 3, 28, 19, 50, 0));
    expect(parseGitlabTime("2016-08-12 15:23:28 UTC")).toBe(Date.UTC(2016, 7, 12, 15, 23, 28));
  });

  it("handles negative and colon offsets, ISO forms and fractions", () => {
    expect(parseGitlabTime("2021-04-28 14:20:00 -0530")).toBe(Date.UTC(2021, 3, 28, 19, 50, 0));
    expect(parseGitlabTime("2021-04-28T21:50:00+02:00")).toBe(Date.UTC(2021, 3, 28, 19, 50, 0));
    expect(parseGitlabTime("2021-04-28T19:50:00.250Z")).toBe(Date.UTC(2021, 3, 28, 19, 50, 0, 250));
  });

  it("crosses a day boundary when the offset says so", () => {
    expect(parseGitlabTime("2021-01-01 01:00:00 +0200")).toBe(Date.UTC(2020, 11, 31, 23, 0, 0));
  });

  it("refuses times with no zone or impossible dates", () => {
    expect(parseGitlabTime("2021-04-28 21:50:00")).toBeUndefined();
    expect(parseGitlabTime("2021-02-30 10:00:00 UTC")).toBeUndefined();
    expect(parseGitlabTime("2021-04-28 24:00:00 UTC")).toBeUndefined();
    expect(parseGitlabTime("yesterday")).toBeUndefined();
  });
});

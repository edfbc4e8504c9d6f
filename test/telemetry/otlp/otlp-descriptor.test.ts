import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DESCRIPTOR_FILE, descriptorSource } from "../../../src/telemetry/otlp/proto/generate-descriptor.ts";

describe("the OTLP descriptor", () => {
  it("is exactly what protobufjs generates from the vendored official .proto files (nothing hand-written)", () => {
    expect(readFileSync(DESCRIPTOR_FILE, "utf8")).toBe(descriptorSource());
  });
});

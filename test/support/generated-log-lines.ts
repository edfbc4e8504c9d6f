import { seededSampler } from "./seeded-sampler.ts";

/** Realistic error lines of six kinds, with ids, numbers, addresses, paths and quoted values varying. */
export function generatedLines(n: number, seed: number): { line: string; kind: number }[] {
  const rng = seededSampler(seed);
  const int = (k: number) => Math.floor(rng.uniform() * k);
  const hex = () => Array.from({ length: 24 }, () => "0123456789abcdef"[int(16)]).join("");
  const uuid = () => `${hex().slice(0, 8)}-${hex().slice(0, 4)}-4${hex().slice(0, 3)}-a${hex().slice(0, 3)}-${hex().slice(0, 12)}`;
  const kinds = [
    () => `java.lang.NullPointerException: null\n\tat com.shop.Cart.total(Cart.java:${40 + int(5)})\n\tat com.shop.Api.handle(Api.java:12)`,
    () => `timeout after ${100 + int(5000)} ms calling 10.0.${int(255)}.${int(255)}:8080`,
    () => `order ${uuid()} rejected: user '${["bob", "alice", "carol"][int(3)]}' has no payment method`,
    () => `GET /api/v1/orders/ord${int(1e6)}x/items failed with status ${500 + int(4)} request_id=${hex()}`,
    () => `db pool exhausted: ${int(64)} of 64 connections busy, waited ${int(3000)}ms`,
    () => `upstream payment-gateway returned 0x${hex().slice(0, 6)} after retry ${int(5)}`,
  ];
  return Array.from({ length: n }, () => {
    const kind = int(kinds.length);
    return { line: kinds[kind]!(), kind };
  });
}

/** Schemas of what an agent's browser presents: fingerprint, detection signal, trust (api.md "Agents"). */
export {};

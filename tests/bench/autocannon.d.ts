// autocannon ships no types; the bench uses a handful of its fields (see run.ts).
declare module "autocannon";

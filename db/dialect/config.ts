import path from "node:path";

/** Which database the registry runs on: SQLite (the embedded default) or PostgreSQL. */
export type DatabaseConfig = { dialect: "sqlite"; path: string } | { dialect: "postgres"; url: string; poolSize: number };

/** Where the data folder, the SQLite file and uploads live: DATA_DIR, DATABASE_PATH, UPLOADS_DIR. */
export function dataPaths(env: Record<string, string | undefined> = process.env) {
  const dataDir = path.resolve(env.DATA_DIR ?? "data");
  const databasePath = path.resolve(env.DATABASE_PATH ?? path.join(dataDir, "registry.db"));
  const uploadsDir = path.resolve(env.UPLOADS_DIR ?? path.join(dataDir, "uploads"));
  return { dataDir, databasePath, uploadsDir };
}

/**
 * DATABASE_URL=postgres://… runs the registry on PostgreSQL (DATABASE_POOL_SIZE connections per
 * process, default 10); without it, SQLite at DATABASE_PATH.
 */
export function databaseConfig(env: Record<string, string | undefined> = process.env): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  if (!url) return { dialect: "sqlite", path: dataPaths(env).databasePath };
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new Error(`DATABASE_URL must start with postgres:// (got ${redactUrl(url)}); leave it unset for SQLite`);
  }
  const poolSize = Number(env.DATABASE_POOL_SIZE ?? 10);
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 200) {
    throw new Error(`DATABASE_POOL_SIZE must be a whole number from 1 to 200 (got ${env.DATABASE_POOL_SIZE})`);
  }
  return { dialect: "postgres", url, poolSize };
}

/** A connection URL as it may appear in a log: the password replaced by ***. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
  }
}

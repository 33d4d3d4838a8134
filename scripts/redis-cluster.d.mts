// Types for scripts/redis-cluster.mjs, imported by jest's global setup.

export type RunningCluster = {
  /** "127.0.0.1:PORT" for each of the 6 nodes (3 masters, 3 replicas). */
  nodes: string[];
  pids: number[];
  /** The absolute directory holding the nodes' data, logs and cluster.json. */
  dir: string;
  /** true when a healthy cluster was already running in dir and was left as it was. */
  reused: boolean;
  /** Stops the nodes and removes dir (stopCluster(dir)). */
  stop(): Promise<void>;
};

export type ClusterStatus = {
  dir: string;
  nodes: { node: string; pid: number | null; state: string }[];
};

/** .redis-cluster/ in the project root. */
export const DEFAULT_DIR: string;
export const PROJECT_ROOT: string;

export function startCluster(options?: { dir?: string }): Promise<RunningCluster>;
export function stopCluster(dir?: string, options?: { keepDir?: boolean }): Promise<void>;
export function clusterStatus(dir?: string): Promise<ClusterStatus | null>;
export function assertRedisInstalled(): void;
export function isAlive(pid: number): boolean;

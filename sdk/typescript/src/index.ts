/**
 * The Acusight API from TypeScript: openapi-fetch over the paths generated from the API's OpenAPI
 * document (src/schema.d.ts), with the envelope unwrapped, errors thrown, retries, paging, uploads and
 * waiting on jobs.
 *
 * Paths are the API's own, `/api/...`; `baseUrl` is the server's root (`https://acusight.example`).
 */
import createClient from "openapi-fetch";
import type { Client, MaybeOptionalInit } from "openapi-fetch";
import type { components, operations, paths } from "./schema.js";

export type { components, operations, paths };
export type Schemas = components["schemas"];

type Fetch = (input: Request) => Promise<Response>;
type Method = "get" | "put" | "post" | "patch" | "delete";
/** The paths that have an operation for ``M``. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P][M] extends undefined | never ? never : P;
}[keyof paths];
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

// What a call answers: the success envelope's `data` (nothing for a 204).
type SuccessCode = 200 | 201 | 202;
type JsonOf<R> = R extends { content: { "application/json": infer J } } ? J : never;
type Envelope<O> = O extends { responses: infer R } ? JsonOf<R[keyof R & SuccessCode]> : never;
type Unwrap<E> = E extends { data?: infer D } ? Exclude<D, undefined> : never;
export type Data<P extends keyof paths, M extends Method> = [Envelope<Op<P, M>>] extends [never]
  ? void
  : Unwrap<Envelope<Op<P, M>>>;
/** One item of a list path's page. */
export type Item<P extends keyof paths> = Data<P, "get"> extends (infer I)[] ? I : never;
/** The list paths: those taking a `page` query parameter. */
type Query<P extends keyof paths> = NonNullable<NonNullable<Op<P, "get">["parameters"]>["query"]>;
export type PagedPath = {
  [P in PathsWith<"get">]: [Query<P>] extends [never] ? never : "page" extends keyof Query<P> ? P : never;
}[PathsWith<"get">];

// The request options openapi-fetch types for a path and method; omitted when nothing is required.
type Init<P extends keyof paths, M extends Method> = MaybeOptionalInit<paths[P], M>;
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type Args<I> = [RequiredKeys<I>] extends [never] ? [init?: I] : [init: I];

/** The API's error envelope (`{"success": false, "error": {code, message, details, fields?}}`) as an
 * exception; `status` is the HTTP status. A failure without an envelope (a proxy's page, a network
 * error) has code `HTTP_<status>`, or status 0 and code `NETWORK_ERROR` / `TIMEOUT`. */
export class AcusightError extends Error {
  override name = "AcusightError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string | null = null,
    /** Per-field messages of a validation error. */
    readonly fields: Record<string, unknown> | null = null,
  ) {
    super(message);
  }
}

export interface RetryPolicy {
  /** Tries in all; 1 turns retries off. */
  attempts: number;
  /** The first wait, doubled on each retry (with jitter) up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface AcusightOptions {
  /** The server's root, e.g. `https://acusight.example` (paths start with `/api`). */
  baseUrl: string;
  /** A person's access token (`acusight users token EMAIL`, or the sign-in's). */
  token?: string;
  /**
   * The sign-in's refresh token: when a call answers 401, it is traded once at
   * `POST /api/auth/refresh` for a new pair and the call is made again with the new access token.
   */
  refreshToken?: string;
  /** Told each new pair a refresh brought (to save it: the old refresh token no longer works). */
  onRefresh?: (tokens: { accessToken: string; refreshToken: string }) => void;
  /** A service account's key (`ask_…`), acting for `organizationId`. */
  serviceKey?: string;
  organizationId?: number;
  /** A device's key (`adk_…`), returned once by its provisioning. */
  deviceKey?: string;
  /** Another fetch (a test's, one with a proxy agent); globalThis.fetch by default. */
  fetch?: Fetch;
  retry?: Partial<RetryPolicy>;
}

export interface UploadOptions {
  /** Group the upload into this named batch instead of the day's. */
  batch?: string;
  /** When the frame was taken (default: the upload's time). */
  capturedAt?: Date | string;
  /** A JSON object kept with the image (at most 16 KiB as JSON). */
  metadata?: Record<string, unknown>;
  /** The file name sent (default `image`); the server reads the format from the bytes. */
  filename?: string;
}

export type JobKind = "dataset" | "training" | "export";
export interface Jobs {
  dataset: Schemas["DatasetVersion"];
  training: Schemas["TrainingJob"];
  export: Schemas["ExportJob"];
}
/** Each job's states from which it never moves (webapp/api/{datasets,training,exports}/schemas.py). */
export const TERMINAL: { [K in JobKind]: readonly NonNullable<Jobs[K]["status"]>[] } = {
  dataset: ["ready", "failed"],
  training: ["succeeded", "failed", "cancelled"],
  export: ["succeeded", "failed"],
};

export interface WaitOptions {
  /** Between polls (default 2000). */
  intervalMs?: number;
  /** Give up after this long with an AcusightError `TIMEOUT` (default: never). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Told every state polled (progress bars). */
  onPoll?: (job: Jobs[JobKind]) => void;
}

export interface Acusight {
  /** The openapi-fetch client underneath (auth and retries included), for what the helpers do not cover. */
  readonly client: Client<paths>;
  get<P extends PathsWith<"get">, I extends Init<P, "get">>(
    path: P,
    ...init: Args<I>
  ): Promise<Data<P, "get">>;
  post<P extends PathsWith<"post">, I extends Init<P, "post">>(
    path: P,
    ...init: Args<I>
  ): Promise<Data<P, "post">>;
  put<P extends PathsWith<"put">, I extends Init<P, "put">>(
    path: P,
    ...init: Args<I>
  ): Promise<Data<P, "put">>;
  patch<P extends PathsWith<"patch">, I extends Init<P, "patch">>(
    path: P,
    ...init: Args<I>
  ): Promise<Data<P, "patch">>;
  delete<P extends PathsWith<"delete">, I extends Init<P, "delete">>(
    path: P,
    ...init: Args<I>
  ): Promise<Data<P, "delete">>;
  /** A file the API serves (an image, a model, an export) as a Blob. */
  download<P extends PathsWith<"get">, I extends Init<P, "get">>(path: P, ...init: Args<I>): Promise<Blob>;
  /** Every item of a list, page after page (`per_page` in the query sets the page size). */
  pages<P extends PagedPath, I extends Init<P, "get">>(path: P, ...init: Args<I>): AsyncGenerator<Item<P>>;
  /** Upload one image as the device (`deviceKey`); its SHA-256 goes with it, so a retry is safe. */
  upload(image: Blob | ArrayBuffer | Uint8Array, options?: UploadOptions): Promise<Schemas["ImageUploaded"]>;
  /** Poll a dataset version, training job or export job until it reaches a terminal state; the job is
   * returned as it ended (check its `status`: failed ones are returned, not thrown). */
  wait<K extends JobKind>(kind: K, job: number | { id?: number }, options?: WaitOptions): Promise<Jobs[K]>;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const NEVER_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"]);

function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener("abort", abort, { once: true });
  });
}

/** Whether a fetch failure happened before the request left (safe to repeat for any method). */
function neverSent(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } } | null)?.cause;
  return typeof cause?.code === "string" && NEVER_SENT.has(cause.code);
}

/**
 * `inner` with retries: a 429/502/503/504 answer or a broken connection is retried for idempotent
 * methods (and for a POST marked `idempotent`, which the API de-duplicates: an upload with its sha256),
 * a connection never made for any method. The wait doubles with jitter, or is the `Retry-After` asked.
 */
export function retryingFetch(inner: Fetch, policy: RetryPolicy, idempotent = false): Fetch {
  return async (request) => {
    const repeatable = idempotent || SAFE_METHODS.has(request.method);
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= policy.attempts;
      const backoff = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
      let wait = backoff / 2 + (Math.random() * backoff) / 2;
      try {
        const response = await inner(last ? request : request.clone());
        if (last || !repeatable || !RETRY_STATUSES.has(response.status)) return response;
        const asked = Number(response.headers.get("Retry-After"));
        if (asked > 0) wait = Math.max(wait, Math.min(asked, 60) * 1000);
        await response.body?.cancel();
      } catch (error) {
        if (last || request.signal.aborted || !(repeatable || neverSent(error))) throw error;
      }
      await sleep(wait, request.signal);
    }
  };
}

const REFRESH_PATH = "/api/auth/refresh";

/**
 * `inner` sending a person's access token, refreshed on a 401: the refresh token is traded once for a
 * new pair (calls that fail at the same moment share one trade: the API revokes a sign-in whose refresh
 * token is presented twice) and the request is sent again. Without a refresh token, the 401 stands.
 */
export function refreshingFetch(
  inner: Fetch,
  baseUrl: string,
  tokens: { accessToken: string; refreshToken?: string },
  onRefresh?: AcusightOptions["onRefresh"],
): Fetch {
  const refreshUrl = `${baseUrl.replace(/\/+$/, "")}${REFRESH_PATH}`;
  let trading: Promise<boolean> | null = null;

  async function trade(): Promise<boolean> {
    const response = await inner(
      new Request(refreshUrl, { method: "POST", headers: { Authorization: `Bearer ${tokens.refreshToken}` } }),
    );
    if (!response.ok) return false;
    const pair = ((await response.json()) as { data: { access_token: string; refresh_token: string } }).data;
    tokens.accessToken = pair.access_token;
    tokens.refreshToken = pair.refresh_token;
    onRefresh?.({ accessToken: pair.access_token, refreshToken: pair.refresh_token });
    return true;
  }

  return async (request) => {
    const used = tokens.accessToken;
    const again = tokens.refreshToken ? request.clone() : null;
    request.headers.set("Authorization", `Bearer ${used}`);
    const response = await inner(request);
    if (response.status !== 401 || again === null || new URL(request.url).pathname.endsWith(REFRESH_PATH))
      return response;
    if (tokens.accessToken === used) {
      trading ??= trade().finally(() => (trading = null));
      if (!(await trading)) return response; // the sign-in is over: the 401 stands
    }
    await response.body?.cancel();
    again.headers.set("Authorization", `Bearer ${tokens.accessToken}`);
    return inner(again);
  };
}

async function toError(response: Response, body: unknown): Promise<AcusightError> {
  const error = (body as { error?: Partial<Schemas["ErrorBody"]> } | null)?.error;
  if (error && typeof error === "object" && typeof error.code === "string") {
    return new AcusightError(
      response.status,
      error.code,
      error.message ?? response.statusText,
      error.details ?? null,
      error.fields ?? null,
    );
  }
  // No envelope: a proxy in front of the API answered.
  const text = typeof body === "string" ? body.slice(0, 200) : "";
  return new AcusightError(response.status, `HTTP_${response.status}`, text || response.statusText);
}

function authHeaders(options: AcusightOptions): Record<string, string> {
  if (options.token && options.serviceKey) throw new TypeError("give either token or serviceKey, not both");
  if (options.refreshToken && !options.token) throw new TypeError("a refreshToken goes with a token");
  const headers: Record<string, string> = {};
  // A person's token is set on each request by refreshingFetch (it may change); a service key here.
  if (options.serviceKey) headers["Authorization"] = `Bearer ${options.serviceKey}`;
  if (options.organizationId !== undefined)
    headers["X-Acusight-Organization"] = String(options.organizationId);
  if (options.deviceKey) headers["X-Device-Key"] = options.deviceKey;
  return headers;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function createAcusight(options: AcusightOptions): Acusight {
  const policy: RetryPolicy = { attempts: 4, initialDelayMs: 200, maxDelayMs: 5000, ...options.retry };
  const baseFetch: Fetch = options.fetch ?? ((request) => globalThis.fetch(request));
  const headers = authHeaders(options);
  let fetch = retryingFetch(baseFetch, policy);
  if (options.token) {
    const tokens = { accessToken: options.token, refreshToken: options.refreshToken };
    fetch = refreshingFetch(fetch, options.baseUrl, tokens, options.onRefresh);
  }
  const client = createClient<paths>({ baseUrl: options.baseUrl, headers, fetch });

  // openapi-fetch's result, unwrapped: `data` from the envelope, or the error thrown.
  async function call(method: string, path: string, init: object | undefined): Promise<any> {
    let result: { data?: any; error?: unknown; response: Response };
    try {
      result = await client.request(method as "get", path as never, init as never);
    } catch (error) {
      if (error instanceof AcusightError || (error as Error)?.name === "AbortError") throw error;
      throw new AcusightError(0, "NETWORK_ERROR", `${method.toUpperCase()} ${path}: ${String(error)}`);
    }
    const { data, error, response } = result;
    if (!response.ok) throw await toError(response, error);
    return init && "parseAs" in init ? data : data?.data;
  }

  async function* pages(path: string, init?: { params?: { query?: Record<string, unknown> } }) {
    for (let page = 1; ; page++) {
      const params = { ...init?.params, query: { ...init?.params?.query, page } };
      const { data, error, response } = await client.request(
        "get",
        path as never,
        { ...init, params } as never,
      );
      if (!response.ok) throw await toError(response, error);
      const envelope = (data ?? {}) as { data?: unknown[]; meta?: Schemas["Meta"] };
      yield* envelope.data ?? [];
      if (!envelope.data?.length || page >= (envelope.meta?.total_pages ?? page)) return;
    }
  }

  const JOB_PATHS = {
    dataset: ["/api/data/datasets/{dataset_id}", "dataset_id"],
    training: ["/api/ml/training-jobs/{job_id}", "job_id"],
    export: ["/api/ml/export-jobs/{job_id}", "job_id"],
  } as const;

  return {
    client,
    get: (path, ...[init]) => call("get", path, init),
    post: (path, ...[init]) => call("post", path, init),
    put: (path, ...[init]) => call("put", path, init),
    patch: (path, ...[init]) => call("patch", path, init),
    delete: (path, ...[init]) => call("delete", path, init),
    download: (path, ...[init]) => call("get", path, { ...init, parseAs: "blob" }),
    pages: (path, ...[init]) => pages(path, init as never) as AsyncGenerator<any>,

    async upload(image, upload = {}) {
      // A copy, on an ArrayBuffer of its own (what WebCrypto and Blob take).
      const bytes = image instanceof Blob ? new Uint8Array(await image.arrayBuffer()) : new Uint8Array(image);
      const form = new FormData();
      const type = image instanceof Blob ? image.type : "";
      form.append(
        "file",
        new Blob([bytes], { type: type || "application/octet-stream" }),
        upload.filename ?? "image",
      );
      form.append("sha256", await sha256Hex(bytes));
      if (upload.batch !== undefined) form.append("batch", upload.batch);
      if (upload.capturedAt !== undefined) {
        const at = upload.capturedAt;
        form.append("captured_at", at instanceof Date ? at.toISOString() : at);
      }
      if (upload.metadata !== undefined) form.append("metadata", JSON.stringify(upload.metadata));
      // The same bytes twice store one image: the POST is safe to repeat.
      return call("post", "/api/device/images/upload", {
        body: form,
        fetch: retryingFetch(baseFetch, policy, true),
      });
    },

    async wait(kind, job, wait = {}) {
      const id = typeof job === "number" ? job : job.id;
      if (id === undefined) throw new TypeError("wait: the job has no id");
      const [path, param] = JOB_PATHS[kind];
      const terminal: readonly string[] = TERMINAL[kind];
      const deadline = wait.timeoutMs === undefined ? Infinity : Date.now() + wait.timeoutMs;
      for (;;) {
        const state = await call("get", path, { params: { path: { [param]: id } }, signal: wait.signal });
        wait.onPoll?.(state);
        if (terminal.includes(state.status)) return state;
        if (Date.now() >= deadline) {
          throw new AcusightError(
            0,
            "TIMEOUT",
            `${kind} ${id} still ${state.status} after ${wait.timeoutMs} ms`,
          );
        }
        await sleep(Math.min(wait.intervalMs ?? 2000, Math.max(0, deadline - Date.now())), wait.signal);
      }
    },
  };
}

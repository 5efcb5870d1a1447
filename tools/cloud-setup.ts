/**
 * `npm run cloud:setup -- --env <envId> [--dry-run]`: sets a CloudBase environment up from the declarations in the
 * repository, with the CloudBase management SDK (@cloudbase/manager-node): every collection of
 * cloudfunctions/_lib/store/cloudbase/collections.ts with its indexes and its security rule, the storage's rule and
 * its lifecycle rules (through the COS SDK: the management SDK has no call for them), and the HTTP access paths of
 * cloudbaserc.json (`httpAccess`). It compares each with what the environment has and
 * changes only what differs, so a second run changes nothing; it deploys no function and never removes an index or a
 * collection it does not know (it names them). `--dry-run` prints the plan without calling CloudBase.
 * Credentials: TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (and TENCENTCLOUD_SESSIONTOKEN for temporary ones)
 * of an account allowed to manage the environment. Exits 0 when done, 1 when a call failed, 2 on bad arguments.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type CloudBase from '@cloudbase/manager-node';
import type COS from 'cos-nodejs-sdk-v5';
import * as z from 'zod';
import {
  CLOUDBASE_COLLECTIONS,
  DENY_CLIENTS,
  STORAGE_EXPIRY,
  STORAGE_RULE,
  indexName,
  type CollectionDeclaration,
  type CollectionIndex,
  type SecurityRule,
} from '../cloudfunctions/_lib/store/cloudbase/collections';

const USAGE = `用法：npm run cloud:setup -- --env <环境 ID> [--dry-run]

  --env <环境 ID>   要设置的云开发环境（必填）
  --dry-run        只列出计划（每个集合、索引和安全规则），不连接云开发
  --help           显示本说明

需要能管理该环境的密钥：环境变量 TENCENTCLOUD_SECRETID、TENCENTCLOUD_SECRETKEY（临时密钥另加 TENCENTCLOUD_SESSIONTOKEN）。`;

/** The parts of the management SDK the setup calls, so a test can stand in for CloudBase behind the same shape. */
export interface CloudManager {
  database: Pick<CloudBase['database'], 'checkCollectionExists' | 'createCollection' | 'describeCollection' | 'updateCollection'>;
  permission: Pick<CloudBase['permission'], 'describeResourcePermission' | 'modifyResourcePermission'>;
  storage: {
    /** The form with the rule (the SDK's other form answers the permission alone). */
    getStorageAcl(options: { withRule: true }): ReturnType<CloudBase['storage']['getStorageAcl']>;
    setStorageAcl: CloudBase['storage']['setStorageAcl'];
  };
  access: Pick<CloudBase['access'], 'getAccessList' | 'createAccess'>;
  /** The storage bucket's lifecycle rules (COS), every rule at once as COS reads and writes them. */
  lifecycle: {
    rules(): Promise<COS.LifecycleRule[]>;
    put(rules: COS.LifecycleRule[]): Promise<void>;
  };
}

/** A function reached over HTTP through CloudBase's HTTP access service (云接入), as cloudbaserc.json declares it. */
export interface HttpAccess {
  function: string;
  path: string;
}

/** What the setup makes sure of, in order. */
export type Step =
  | { kind: 'collection'; name: string }
  | { kind: 'index'; collection: string; index: CollectionIndex }
  | { kind: 'rule'; collection: string; rule: SecurityRule }
  | { kind: 'storage-rule'; rule: SecurityRule }
  | { kind: 'storage-expiry'; prefix: string; days: number }
  | { kind: 'http-access'; access: HttpAccess };

/** What a step found: already so, created, or changed from what was there. */
export type Outcome = 'unchanged' | 'created' | 'changed';

export interface Declarations {
  collections: Readonly<Record<string, CollectionDeclaration>>;
  storageRule: SecurityRule;
  storageExpiry: readonly { prefix: string; days: number }[];
  httpAccess: readonly HttpAccess[];
}

const CloudbasercAccessSchema = z.object({
  httpAccess: z.array(z.object({ function: z.string().min(1), path: z.string().regex(/^\/[\w/-]*$/) })).default([]),
});

/** The declarations of this repository: collections.ts, and the HTTP access paths of cloudbaserc.json. */
export function repositoryDeclarations(root = path.resolve(__dirname, '..')): Declarations {
  const rc = CloudbasercAccessSchema.parse(JSON.parse(readFileSync(path.join(root, 'cloudbaserc.json'), 'utf8')));
  return { collections: CLOUDBASE_COLLECTIONS, storageRule: STORAGE_RULE, storageExpiry: STORAGE_EXPIRY, httpAccess: rc.httpAccess };
}

/** Every step, in the order the setup takes them: each collection, its indexes and its rule; storage; HTTP access. */
export function plan(declarations: Declarations): Step[] {
  return [
    ...Object.entries(declarations.collections).flatMap(([name, declaration]): Step[] => [
      { kind: 'collection', name },
      ...declaration.indexes.map((index): Step => ({ kind: 'index', collection: name, index })),
      { kind: 'rule', collection: name, rule: declaration.rule },
    ]),
    { kind: 'storage-rule', rule: declarations.storageRule },
    ...declarations.storageExpiry.map(({ prefix, days }): Step => ({ kind: 'storage-expiry', prefix, days })),
    // last: CloudBase may refuse a path to a function not deployed yet, and everything before it is done by then
    ...declarations.httpAccess.map((access): Step => ({ kind: 'http-access', access })),
  ];
}

const ruleText = (rule: SecurityRule) => (same(rule, DENY_CLIENTS) ? '仅云函数可读写（客户端不可读写）' : `读 ${JSON.stringify(rule.read)}，写 ${JSON.stringify(rule.write)}`);

/** One line of the plan, as printed. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'collection':
      return `集合 ${step.name}`;
    case 'index': {
      const fields = Object.entries(step.index.fields).map(([field, order]) => `${field} ${order === 'asc' ? '升序' : '降序'}`);
      return `  索引 ${indexName(step.index)}（${fields.join('，')}）${step.index.unique ? '，唯一' : ''}`;
    }
    case 'rule':
      return `  安全规则：${ruleText(step.rule)}`;
    case 'storage-rule':
      return `云存储安全规则：${ruleText(step.rule)}`;
    case 'http-access':
      return `HTTP 访问服务：${step.access.path} -> 云函数 ${step.access.function}`;
    case 'storage-expiry':
      return `云存储生命周期：${step.prefix} 下的文件 ${step.days} 天后删除`;
  }
}

/** The prefix a lifecycle rule applies to, and the days after which it deletes, as COS answers them (numbers as text). */
const prefixOf = (rule: COS.LifecycleRule): unknown => rule.Filter?.Prefix;
const daysOf = (rule: COS.LifecycleRule): number => Number(rule.Expiration?.Days);

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** CloudBase's permission for a collection's rule: ADMINONLY for no client at all, else a custom rule. */
function permissionOf(rule: SecurityRule): { permission: 'ADMINONLY' | 'CUSTOM'; securityRule?: string } {
  return same(rule, DENY_CLIENTS) ? { permission: 'ADMINONLY' } : { permission: 'CUSTOM', securityRule: JSON.stringify(rule) };
}

/** An index as CloudBase describes it: its fields with directions ("1" / "-1") and whether it is unique. */
const keysOf = (index: CollectionIndex) => Object.entries(index.fields).map(([Name, order]) => ({ Name, Direction: order === 'asc' ? '1' : '-1' }));

interface Existing {
  name: string;
  keys: { Name: string; Direction: string }[];
  unique: boolean;
}

/** The indexes a collection has (its _id index left out). */
async function indexesOf(manager: CloudManager, collection: string): Promise<Existing[]> {
  const described = await manager.database.describeCollection(collection);
  return (described.Indexes ?? [])
    .filter((i) => i.Name !== '_id_')
    .map((i) => ({ name: i.Name, keys: (i.Keys ?? []).map((k) => ({ Name: k.Name ?? '', Direction: String(k.Direction ?? '') })), unique: i.Unique }));
}

/** Takes one step against CloudBase: reads what is there, and writes only when it differs. */
async function take(manager: CloudManager, step: Step, report: (line: string) => void): Promise<Outcome> {
  switch (step.kind) {
    case 'collection': {
      const { Exists } = await manager.database.checkCollectionExists(step.name);
      if (Exists) return 'unchanged';
      await manager.database.createCollection(step.name);
      return 'created';
    }
    case 'index': {
      const wanted = keysOf(step.index);
      const existing = await indexesOf(manager, step.collection);
      const sameKeys = existing.find((e) => same(e.keys, wanted));
      if (sameKeys && sameKeys.unique === Boolean(step.index.unique)) return 'unchanged';
      const name = indexName(step.index);
      // the same fields with the other uniqueness, or another index under this name: replaced in one update
      const replaced = [...new Set([sameKeys?.name, existing.find((e) => e.name === name)?.name].filter((n): n is string => n !== undefined))];
      await manager.database.updateCollection(step.collection, {
        ...(replaced.length > 0 ? { DropIndexes: replaced.map((IndexName) => ({ IndexName })) } : {}),
        CreateIndexes: [{ IndexName: name, MgoKeySchema: { MgoIndexKeys: wanted, MgoIsUnique: Boolean(step.index.unique) } }],
      });
      return replaced.length > 0 ? 'changed' : 'created';
    }
    case 'rule': {
      const wanted = permissionOf(step.rule);
      const { Data } = await manager.permission.describeResourcePermission({ resourceType: 'collection', resources: [step.collection] });
      const current = Data.PermissionList.find((p) => p.Resource === step.collection);
      const matches = current?.Permission === wanted.permission && (wanted.securityRule === undefined || same(JSON.parse(current.SecurityRule ?? 'null'), step.rule));
      if (matches) return 'unchanged';
      await manager.permission.modifyResourcePermission({ resourceType: 'collection', resource: step.collection, ...wanted });
      return current ? 'changed' : 'created';
    }
    case 'storage-rule': {
      const current = await manager.storage.getStorageAcl({ withRule: true });
      if (current.acl === 'CUSTOM' && same(current.rule, step.rule)) return 'unchanged';
      await manager.storage.setStorageAcl('CUSTOM', step.rule);
      return 'changed';
    }
    case 'http-access': {
      const { APISet } = await manager.access.getAccessList({ path: step.access.path });
      const found = APISet.find((api) => api.Path === step.access.path);
      if (found && found.Name === step.access.function) return 'unchanged';
      if (found) {
        // another function answers this path: left for a person to decide, never taken from it
        report(`  ${step.access.path} 已关联云函数 ${found.Name}，未改动：请在控制台改为 ${step.access.function}`);
        return 'unchanged';
      }
      await manager.access.createAccess({ name: step.access.function, path: step.access.path, type: 1 });
      return 'created';
    }
    case 'storage-expiry': {
      const rules = await manager.lifecycle.rules();
      const current = rules.find((rule) => prefixOf(rule) === step.prefix);
      if (current?.Status === 'Enabled' && daysOf(current) === step.days) return 'unchanged';
      const wanted: COS.LifecycleRule = {
        ID: current?.ID ?? `delete-${step.prefix.replace(/\/$/, '')}-after-${step.days}-days`,
        Status: 'Enabled',
        Filter: { Prefix: step.prefix },
        Expiration: { Days: step.days },
      };
      // COS replaces the whole configuration: every other rule is written back as it was
      await manager.lifecycle.put([...rules.filter((rule) => rule !== current), wanted]);
      return current ? 'changed' : 'created';
    }
  }
}

/** The outcome of every step, in order. */
export async function setUp(manager: CloudManager, declarations: Declarations, report: (line: string) => void): Promise<{ step: Step; outcome: Outcome }[]> {
  const done: { step: Step; outcome: Outcome }[] = [];
  for (const step of plan(declarations)) {
    const outcome = await take(manager, step, report);
    report(`${describeStep(step)}${outcome === 'unchanged' ? '' : outcome === 'created' ? '：已创建' : '：已更改'}`);
    done.push({ step, outcome });
    if (step.kind === 'rule') {
      // indexes nobody declared (made in the console) are named, never removed
      const declared = (declarations.collections[step.collection]?.indexes ?? []).map(keysOf);
      for (const e of await indexesOf(manager, step.collection)) {
        if (!declared.some((keys) => same(keys, e.keys))) report(`  未声明的索引 ${e.name}：保留未动（不再需要时请在控制台删除）`);
      }
    }
  }
  return done;
}

const Credentials = z.object({
  TENCENTCLOUD_SECRETID: z.string({ error: '缺少环境变量 TENCENTCLOUD_SECRETID' }).min(1, '缺少环境变量 TENCENTCLOUD_SECRETID'),
  TENCENTCLOUD_SECRETKEY: z.string({ error: '缺少环境变量 TENCENTCLOUD_SECRETKEY' }).min(1, '缺少环境变量 TENCENTCLOUD_SECRETKEY'),
  TENCENTCLOUD_SESSIONTOKEN: z.string().optional(),
});

/** The lifecycle rules of the environment's storage bucket (the bucket and region the environment names). */
async function bucketLifecycle(manager: CloudBase, cos: COS): Promise<CloudManager['lifecycle']> {
  const { EnvInfo } = await manager.env.getEnvInfo();
  const storage = EnvInfo.Storages?.[0];
  if (!storage?.Bucket || !storage.Region) throw new Error('这个环境没有云存储桶：请先在控制台开通云存储');
  const bucket = { Bucket: storage.Bucket, Region: storage.Region };
  return {
    async rules() {
      try {
        return (await cos.getBucketLifecycle(bucket)).Rules;
      } catch (error) {
        // a bucket that never had a rule answers 404 NoSuchLifecycleConfiguration
        if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'NoSuchLifecycleConfiguration') return [];
        throw error;
      }
    },
    async put(rules) {
      await cos.putBucketLifecycle({ ...bucket, Rules: rules });
    },
  };
}

async function main(argv: string[]): Promise<number> {
  let values: { env?: string; 'dry-run'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { env: { type: 'string' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean' } }, strict: true }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.env) {
    console.error(`缺少 --env（环境 ID）\n\n${USAGE}`);
    return 2;
  }
  const declarations = repositoryDeclarations();
  if (values['dry-run']) {
    console.log(`云开发环境 ${values.env} 的设置计划（试运行，未连接云开发）：`);
    for (const step of plan(declarations)) console.log(describeStep(step));
    return 0;
  }
  const credentials = Credentials.safeParse(process.env);
  if (!credentials.success) {
    console.error(credentials.error.issues.map((i) => i.message).join('\n'));
    return 2;
  }
  // loaded only here: a dry run never loads the SDKs
  const { TENCENTCLOUD_SECRETID: secretId, TENCENTCLOUD_SECRETKEY: secretKey, TENCENTCLOUD_SESSIONTOKEN: token } = credentials.data;
  const { default: Manager } = await import('@cloudbase/manager-node');
  const manager = new Manager({ envId: values.env, secretId, secretKey, ...(token ? { token } : {}) });
  console.log(`设置云开发环境 ${values.env}：`);
  const { default: Cos } = await import('cos-nodejs-sdk-v5');
  const cos = new Cos({ SecretId: secretId, SecretKey: secretKey, ...(token ? { SecurityToken: token } : {}) });
  const cloud: CloudManager = {
    database: manager.database,
    permission: manager.permission,
    storage: manager.storage,
    access: manager.access,
    lifecycle: await bucketLifecycle(manager, cos),
  };
  const done = await setUp(cloud, declarations, (line) => console.log(line));
  const changed = done.filter((d) => d.outcome !== 'unchanged').length;
  console.log(changed === 0 ? '已是声明的样子，未做改动。' : `完成：${changed} 项已创建或更改。`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

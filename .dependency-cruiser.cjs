// The "may import" table of docs/ARCHITECTURE.md, enforced (`npm run lint:deps`). Each row: a folder of src/ and
// the only folders of src/ its modules may import. Keep the two in step: a change here is a change of the table.
// Packages and Node built-ins are ESLint's side (no-restricted-imports for src/workflows and src/domain).

/** `from` may import nothing in src/ except its own folder and `allowed` (regular expressions on the path). */
function only(name, from, allowed, comment) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: `^src/${from}/` },
    to: { path: '^src/', pathNot: [`^src/${from}/`, ...allowed] },
  };
}

const runtimeTemporal = '^src/temporal/';

module.exports = {
  forbidden: [
    only('domain-is-pure', 'domain', [], 'src/domain: the deterministic core imports nothing else of src/'),
    only(
      'workflows-deterministic',
      'workflows',
      ['^src/domain/', '^src/temporal/search-attributes\\.ts$', '^src/activities/'],
      'src/workflows: src/domain and the search-attribute constants; activities only with `import type` (next rule)',
    ),
    {
      name: 'workflows-activities-type-only',
      comment: 'a workflow must never load activity code into the sandbox: `import type` only',
      severity: 'error',
      from: { path: '^src/workflows/' },
      to: { path: '^src/activities/', dependencyTypesNot: ['type-only'] },
    },
    only(
      'activities',
      'activities',
      [
        '^src/domain/',
        '^src/workflows/',
        '^src/db/',
        '^src/read-model/',
        '^src/net/',
        '^src/security/',
        '^src/observability/',
        runtimeTemporal,
        '^src/worker/check-loop(-registry)?\\.ts$',
      ],
      'src/activities: everything below them; from src/worker only the check loop engine it runs',
    ),
    {
      name: 'activities-workflow-code-type-only',
      comment: 'workflow definitions (signals, queries, inputs) and task queue names are shared; workflow code only as types',
      severity: 'error',
      from: { path: '^src/(activities|services|api|worker)/' },
      to: { path: '^src/workflows/', pathNot: '(-definitions|/task-queues)\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    only('read-model', 'read-model', ['^src/db/', '^src/domain/']),
    only('net', 'net', ['^src/domain/'], 'src/net: SSRF policy and guarded requests, on node built-ins'),
    only('security', 'security', [], 'src/security: node:crypto and the key file only'),
    only('observability', 'observability', []),
    only('db', 'db', ['^src/domain/', '^src/recurrence/', '^src/project-root\\.ts$']),
    only('recurrence', 'recurrence', ['^src/domain/'], 'src/recurrence: maintenance windows expanded with the rrule package; pure'),
    only('temporal-runtime', 'temporal', [], 'src/temporal: codec, search attributes, deadline, registration'),
    only('tooling', 'tooling', [runtimeTemporal, '^src/project-root\\.ts$'], 'src/tooling: binaries, installer, ports, dev server'),
    only('services', 'services', [
      '^src/db/',
      '^src/domain/',
      '^src/security/',
      '^src/read-model/',
      '^src/observability/',
      runtimeTemporal,
      '^src/workflows/',
    ]),
    only(
      'api',
      'api',
      [
        '^src/services/',
        '^src/db/',
        '^src/domain/',
        '^src/recurrence/',
        '^src/read-model/',
        '^src/net/',
        '^src/security/',
        '^src/observability/',
        runtimeTemporal,
        '^src/workflows/',
        '^src/config/',
        '^src/project-root\\.ts$',
      ],
      'src/api: routes call services and read the database; never activities, the worker or the tooling',
    ),
    only('worker', 'worker', [
      '^src/activities/',
      '^src/services/',
      '^src/db/',
      '^src/domain/',
      '^src/read-model/',
      '^src/net/',
      '^src/security/',
      '^src/observability/',
      runtimeTemporal,
      '^src/workflows/',
      '^src/project-root\\.ts$',
    ]),
    only(
      'config',
      'config',
      ['^src/domain/', '^src/api/rate-limit-defaults\\.ts$'],
      'src/config: the environment schema; the rate-limit defaults are plain constants',
    ),
    only('receiver', 'receiver', ['^src/security/'], 'src/receiver is published: it must not pull in server code'),
    {
      name: 'web-uses-the-api-only',
      comment: 'the console talks to the public /v1 API over fetch; it imports nothing of src/',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/' },
    },
    {
      name: 'public-status-page-loads-no-console-code',
      comment:
        'web/src/status/ (the public page, its own bundle) and the pieces it shares with the console (the status badge, its vocabulary, the uptime bars) load nothing else of the console at run time',
      severity: 'error',
      from: { path: '^web/src/(status/|StatusBadge\\.tsx$|status-display\\.ts$|components/UptimeBars\\.tsx$)' },
      to: {
        path: '^web/src/',
        pathNot: [
          '^web/src/status/',
          '^web/src/StatusBadge\\.tsx$',
          '^web/src/status-display\\.ts$',
          '^web/src/components/UptimeBars\\.tsx$',
          '^web/src/styles\\.css$',
        ],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'src-does-not-import-tests-scripts-bench',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|scripts|bench)/' },
    },
    {
      name: 'no-unresolvable',
      comment: 'an import the cruiser cannot resolve would slip past every rule above (scripts load vite lazily)',
      severity: 'error',
      from: { path: '^(src|web/src|test)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|web/dist|\\.build|\\.tools)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};

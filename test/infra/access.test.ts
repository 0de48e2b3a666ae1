// Who may call what, deployed: the Cognito user pool, its app client and groups, and the user pool
// authorizer on every method whose rule needs a token, all derived from the declarations' rules.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PASSWORD_POLICY, TOKEN_VALIDITY } from '#infra/user-pool.ts';
import { AUTHORIZER_CACHE_SECONDS, effectiveAccess, needsToken } from '#src/declaration/access.ts';
import {
  arnOf,
  type Bundled,
  bundleServices,
  type CfnJson,
  methodsByRoute,
  refOf,
  removeAll,
  resourceOf,
  resourcesOfType,
  type Synthesized,
  synthesize,
} from './synthesize-stack.ts';

const EXISTING = { userPoolId: 'eu-west-1_AbC123xyZ', userPoolClientId: '1example23456789abcdefghij' };

let bundled: Bundled;
let retained: Synthesized;
/** A throwaway stack that also opens the tutorial's route. */
let openTutorial: Synthesized;
let existingPool: Synthesized;

before(async () => {
  bundled = await bundleServices();
  retained = await synthesize(bundled);
  openTutorial = await synthesize(bundled, {
    context: { ephemeral: 'true', waf: 'false', openTutorial: 'true' },
  });
  existingPool = await synthesize(bundled, { context: EXISTING });
});
after(() => removeAll(bundled?.dir, retained?.outdir, openTutorial?.outdir, existingPool?.outdir));

/** Every declared function with its method, and the rule in force under `synth`'s settings. */
const routes = (synth: Synthesized) => {
  const methods = methodsByRoute(synth.template);
  return bundled.services.flatMap(({ service }) =>
    service.functions.map((fn) => {
      const method = methods.get(`${fn.method} ${fn.path}`);
      assert.ok(method, `${fn.method} ${fn.path}`);
      return { fn, method, rule: effectiveAccess(fn.access, synth.settings) };
    }),
  );
};

/** The groups the declarations name, read from the rules as declared. */
const groupsInDeclarations = () =>
  new Set(
    bundled.services.flatMap(({ service }) =>
      service.functions.flatMap(({ access }) => (access.allow === 'groups' ? access.groups : [])),
    ),
  );

const authorizerOf = (synth: Synthesized): [string, CfnJson] => {
  const authorizers = resourcesOfType(synth.template, 'AWS::ApiGateway::Authorizer');
  assert.equal(authorizers.length, 1);
  return authorizers[0] ?? assert.fail();
};

describe('API authorization', () => {
  test('puts the Cognito user pool authorizer on every method whose rule needs a token, and none on public ones', () => {
    for (const synth of [retained, openTutorial, existingPool]) {
      const [authorizerId] = authorizerOf(synth);
      for (const { fn, method, rule } of routes(synth)) {
        const { AuthorizationType, AuthorizerId, AuthorizationScopes } = method.Properties;
        if (needsToken(rule)) {
          assert.equal(AuthorizationType, 'COGNITO_USER_POOLS', fn.name);
          assert.deepEqual(AuthorizerId, { Ref: authorizerId }, fn.name);
          // No scopes: API Gateway then requires the pool's ID token (an access token needs scopes).
          assert.equal(AuthorizationScopes, undefined, fn.name);
        } else {
          assert.equal(AuthorizationType, 'NONE', fn.name);
          assert.equal(AuthorizerId, undefined, fn.name);
        }
      }
    }
  });

  test('leaves CORS preflights without authorization: browsers send them without credentials', () => {
    const preflights = [...methodsByRoute(retained.template)].filter(([route]) =>
      route.startsWith('OPTIONS '),
    );
    assert.ok(preflights.length > 0);
    for (const [route, method] of preflights) {
      assert.equal(method.Properties.AuthorizationType, 'NONE', route);
      assert.equal(method.Properties.AuthorizerId, undefined, route);
    }
  });

  test('guards every shipped route by default; openTutorial opens DynamoDBManager only', () => {
    const secured = (synth: Synthesized) =>
      routes(synth)
        .filter(({ method }) => method.Properties.AuthorizationType !== 'COGNITO_USER_POOLS')
        .map(({ fn }) => fn.name);
    assert.deepEqual(secured(retained), []);
    assert.deepEqual(secured(existingPool), []);
    assert.deepEqual(secured(openTutorial), ['dynamodb-manager']);
    const manager = (synth: Synthesized) => {
      const deployed = synth.stack.functions.get('dynamodb-manager') ?? assert.fail();
      return resourceOf(synth.template, deployed.function).Properties.Environment.Variables.ACCESS_RULE;
    };
    assert.equal(manager(retained), 'groups:admin', 'the function checks the rule the API enforces');
    assert.equal(manager(openTutorial), 'public');
  });

  test('reads the token from the Authorization header, checked against the pool and its app client', () => {
    const [, authorizer] = authorizerOf(retained);
    const pool = retained.stack.userPool.created ?? assert.fail();
    const client = retained.stack.userPool.client ?? assert.fail();
    assert.deepEqual(authorizer.Properties, {
      Name: `${retained.settings.stackName}-cognito`,
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      // The same time the local gateway keeps a verified token's result.
      AuthorizerResultTtlInSeconds: AUTHORIZER_CACHE_SECONDS,
      ProviderARNs: [arnOf(pool)],
      RestApiId: refOf(retained.stack.restApi.api),
      // An ID token's `aud` must be the stack's app client, as the local authorizer demands.
      IdentityValidationExpression: { 'Fn::Join': ['', ['^', refOf(client), '$']] },
    });
  });

  test('a change of the audience check redeploys the stage (authorizers take effect on deployment)', async () => {
    const other = await synthesize(bundled, {
      context: { userPoolId: 'eu-west-1_AbC123xyZ', userPoolClientId: 'another0client0id000000000' },
    });
    try {
      const deploymentOf = (synth: Synthesized) =>
        resourcesOfType(synth.template, 'AWS::ApiGateway::Deployment').map(([id]) => id);
      assert.notDeepEqual(deploymentOf(other), deploymentOf(existingPool));
    } finally {
      await removeAll(other.outdir);
    }
  });
});

describe('user pool', () => {
  test('lets only administrators create users, with a strong password policy and optional TOTP MFA', () => {
    const pool = retained.stack.userPool.created ?? assert.fail();
    const { Properties } = resourceOf(retained.template, pool);
    assert.deepEqual(Properties.AdminCreateUserConfig, { AllowAdminCreateUserOnly: true });
    assert.deepEqual(Properties.Policies.PasswordPolicy, {
      MinimumLength: PASSWORD_POLICY.minLength,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      TemporaryPasswordValidityDays: 3,
      PasswordHistorySize: PASSWORD_POLICY.passwordHistorySize,
    });
    assert.ok(PASSWORD_POLICY.minLength >= 12);
    assert.equal(Properties.MfaConfiguration, 'OPTIONAL');
    assert.deepEqual(Properties.EnabledMfas, ['SOFTWARE_TOKEN_MFA']);
    assert.deepEqual(Properties.AliasAttributes, ['email']);
  });

  test('keeps the verified email until a new one is verified, so an unverified address never signs in', () => {
    const pool = retained.stack.userPool.created ?? assert.fail();
    const { Properties } = resourceOf(retained.template, pool);
    assert.deepEqual(Properties.UserAttributeUpdateSettings, {
      AttributesRequireVerificationBeforeUpdate: ['email'],
    });
    assert.deepEqual(Properties.AutoVerifiedAttributes, ['email']);
  });

  test('retains the pool with deletion protection, and deletes it with an ephemeral stack', () => {
    const retainedPool = resourceOf(retained.template, retained.stack.userPool.created ?? assert.fail());
    assert.equal(retainedPool.DeletionPolicy, 'Retain');
    assert.equal(retainedPool.Properties.DeletionProtection, 'ACTIVE');
    const ephemeralPool = resourceOf(
      openTutorial.template,
      openTutorial.stack.userPool.created ?? assert.fail(),
    );
    assert.equal(ephemeralPool.DeletionPolicy, 'Delete');
    assert.equal(ephemeralPool.Properties.DeletionProtection, 'INACTIVE');
  });

  test('has an app client without a secret for password and SRP sign-in, with set token lifetimes and no OAuth', () => {
    const client = retained.stack.userPool.client ?? assert.fail();
    const { Properties } = resourceOf(retained.template, client);
    assert.equal(Properties.GenerateSecret, false);
    assert.deepEqual([...Properties.ExplicitAuthFlows].sort(), [
      'ALLOW_REFRESH_TOKEN_AUTH',
      'ALLOW_USER_PASSWORD_AUTH',
      'ALLOW_USER_SRP_AUTH',
    ]);
    assert.equal(Properties.IdTokenValidity, TOKEN_VALIDITY.idToken.toMinutes());
    assert.equal(Properties.AccessTokenValidity, TOKEN_VALIDITY.accessToken.toMinutes());
    assert.deepEqual(Properties.TokenValidityUnits, {
      AccessToken: 'minutes',
      IdToken: 'minutes',
      RefreshToken: 'minutes',
    });
    assert.equal(Properties.AllowedOAuthFlowsUserPoolClient, false);
    assert.equal(Properties.AllowedOAuthFlows, undefined);
    assert.deepEqual(Properties.UserPoolId, refOf(retained.stack.userPool.created ?? assert.fail()));
  });

  test('creates one group per group the declarations name, whatever the settings open', () => {
    const expected = [...groupsInDeclarations()].sort();
    assert.ok(expected.includes('admin'));
    for (const synth of [retained, openTutorial]) {
      const groups = resourcesOfType(synth.template, 'AWS::Cognito::UserPoolGroup');
      assert.deepEqual(groups.map(([, group]) => group.Properties.GroupName).sort(), expected);
      const pool = refOf(synth.stack.userPool.created ?? assert.fail());
      for (const [, group] of groups) assert.deepEqual(group.Properties.UserPoolId, pool);
    }
  });

  test('outputs the pool id, the app client id and the issuer of the tokens', () => {
    const outputs = retained.template.toJSON().Outputs;
    const pool = retained.stack.userPool.created ?? assert.fail();
    const client = retained.stack.userPool.client ?? assert.fail();
    assert.deepEqual(outputs.UserPoolId.Value, refOf(pool));
    assert.deepEqual(outputs.UserPoolClientId.Value, refOf(client));
    assert.deepEqual(outputs.UserPoolIssuerUrl.Value, {
      'Fn::Join': [
        '',
        ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', refOf(pool)],
      ],
    });
  });
});

describe('an existing user pool (userPoolId, userPoolClientId)', () => {
  test('creates no pool, no app client and no groups', () => {
    for (const type of [
      'AWS::Cognito::UserPool',
      'AWS::Cognito::UserPoolClient',
      'AWS::Cognito::UserPoolGroup',
    ]) {
      assert.deepEqual(resourcesOfType(existingPool.template, type), [], type);
    }
    assert.equal(existingPool.stack.userPool.created, undefined);
  });

  test('authorizes with the existing pool and its app client, and outputs its ids and issuer', () => {
    const [, authorizer] = authorizerOf(existingPool);
    assert.match(JSON.stringify(authorizer.Properties.ProviderARNs), /:userpool\/eu-west-1_AbC123xyZ"/);
    assert.equal(authorizer.Properties.IdentityValidationExpression, `^${EXISTING.userPoolClientId}$`);
    const outputs = existingPool.template.toJSON().Outputs;
    assert.equal(outputs.UserPoolId.Value, EXISTING.userPoolId);
    assert.equal(outputs.UserPoolClientId.Value, EXISTING.userPoolClientId);
    assert.deepEqual(outputs.UserPoolIssuerUrl.Value, {
      'Fn::Join': [
        '',
        ['https://cognito-idp.eu-west-1.', { Ref: 'AWS::URLSuffix' }, `/${EXISTING.userPoolId}`],
      ],
    });
  });
});

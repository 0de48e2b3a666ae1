import { Aws, Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import {
  type CfnAuthorizer,
  CognitoUserPoolsAuthorizer,
  IdentitySource,
  type RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import {
  AccountRecovery,
  FeaturePlan,
  type IUserPool,
  Mfa,
  UserPool,
  type UserPoolClient,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import {
  AUTHORIZER_CACHE_SECONDS,
  groupNameProblem,
  TOKEN_HEADER,
  TOKEN_LIFETIME_SECONDS,
} from '#src/declaration/access.ts';
import type { ServiceDeclaration } from '#src/declaration/types.ts';
import { pascalCase } from './logical-names.ts';
import type { StackSettings } from './settings.ts';

/** How long a signed-in user's ID and access tokens are valid; the refresh token lasts longer. */
export const TOKEN_VALIDITY = {
  idToken: Duration.seconds(TOKEN_LIFETIME_SECONDS),
  accessToken: Duration.seconds(TOKEN_LIFETIME_SECONDS),
  refreshToken: Duration.days(30),
} as const;

/** The password policy of a pool the stack creates (cdk-nag COG1 asks for at least 8 and every class). */
export const PASSWORD_POLICY = {
  minLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
  tempPasswordValidity: Duration.days(3),
  passwordHistorySize: 5,
} as const;

/**
 * Every group named by a declared rule (`allow.groups(...)`), sorted. Read from the rules as
 * declared, before any setting opens one: turning `openTutorial` on must not delete a group
 * (and its members) that another deployment of the same stack needs.
 *
 * @example
 * declaredGroups([products]); // ['admin']
 */
export function declaredGroups(services: readonly ServiceDeclaration[]): string[] {
  const groups = services.flatMap((service) =>
    service.functions.flatMap((fn) => {
      if (fn.access.allow !== 'groups') return [];
      // The declarations were checked when they loaded; a hand-built one is checked here too, as a
      // group whose name API Gateway would split must never exist in the pool.
      for (const group of fn.access.groups) {
        const problem = groupNameProblem(group);
        if (problem) throw new Error(`${fn.name} of service ${service.name} names ${problem}`);
      }
      return fn.access.groups;
    }),
  );
  return [...new Set(groups)].sort();
}

export interface ServicesUserPoolProps {
  /** The declarations as declared (settings not applied): their groups become the pool's groups. */
  readonly services: readonly ServiceDeclaration[];
  readonly settings: StackSettings;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Who may sign in: a Cognito user pool, its app client and one group per declared group, or, with
 * the `userPoolId` and `userPoolClientId` settings, an existing pool the stack only refers to
 * (whose groups must exist already). Routes whose rule needs a token get {@link authorizer}.
 */
export class ServicesUserPool extends Construct {
  readonly userPool: IUserPool;
  /** The pool the stack created, absent when it uses an existing one. */
  readonly created?: UserPool;
  /** The app client the stack created, absent when it uses an existing pool. */
  readonly client?: UserPoolClient;
  /** The groups the stack created, by name; none when it uses an existing pool. */
  readonly groups = new Map<string, UserPoolGroup>();
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** The tokens' `iss`: `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
  readonly issuer: string;
  private cognitoAuthorizer?: CognitoUserPoolsAuthorizer;
  private readonly stackName: string;

  constructor(scope: Construct, id: string, { services, settings, removalPolicy }: ServicesUserPoolProps) {
    super(scope, id);
    this.stackName = settings.stackName;
    if (settings.userPoolId && settings.userPoolClientId) {
      this.userPool = UserPool.fromUserPoolId(this, 'Existing', settings.userPoolId);
      this.userPoolId = settings.userPoolId;
      this.userPoolClientId = settings.userPoolClientId;
      // The id starts with the pool's region; the authorizer expects it to be the stack's.
      const region = settings.userPoolId.split('_')[0];
      this.issuer = `https://cognito-idp.${region}.${Aws.URL_SUFFIX}/${settings.userPoolId}`;
      return;
    }
    const ephemeral = removalPolicy === RemovalPolicy.DESTROY;
    const pool = new UserPool(this, 'Users', {
      userPoolName: settings.stackName,
      // Users are created by an administrator (README: "Sign in"), never by themselves.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      autoVerify: { email: true },
      // A changed email stays unverified, and the verified one keeps signing in, until the user
      // confirms the new one: an address nobody has proven can never take over sign-in.
      keepOriginal: { email: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      passwordPolicy: PASSWORD_POLICY,
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: !ephemeral,
      removalPolicy,
    });
    this.created = pool;
    this.userPool = pool;
    this.client = pool.addClient('ApiClient', {
      userPoolClientName: `${settings.stackName}-api`,
      generateSecret: false,
      // USER_PASSWORD_AUTH lets `aws cognito-idp initiate-auth` sign in; SRP is for apps (Amplify).
      authFlows: { userPassword: true, userSrp: true },
      // No hosted UI or OAuth redirect: tokens come from InitiateAuth only.
      disableOAuth: true,
      idTokenValidity: TOKEN_VALIDITY.idToken,
      accessTokenValidity: TOKEN_VALIDITY.accessToken,
      refreshTokenValidity: TOKEN_VALIDITY.refreshToken,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    for (const groupName of declaredGroups(services)) {
      const group = new UserPoolGroup(this, `Group${pascalCase(groupName)}`, {
        userPool: pool,
        groupName,
        description: `Members may call the operations whose declaration allows group "${groupName}"`,
      });
      // Memberships are data: kept with a retained pool.
      group.applyRemovalPolicy(removalPolicy);
      this.groups.set(groupName, group);
    }
    this.userPoolId = pool.userPoolId;
    this.userPoolClientId = this.client.userPoolClientId;
    this.issuer = `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/${pool.userPoolId}`;
  }

  /**
   * The API's Cognito user pool authorizer, made on first use (an authorizer no method uses fails
   * synthesis). No scopes are set on the methods, so API Gateway requires an ID token of the pool
   * (signature, issuer, expiry, `token_use: id`). On its own it takes an ID token of any app client
   * of the pool; its token validation expression ({@link audienceExpression}) narrows that to the
   * app client users sign in with, as the local authorizer does. The expression is part of the
   * deployment's identity, since an authorizer change only takes effect once the stage is redeployed.
   */
  authorizer(api: RestApi): CognitoUserPoolsAuthorizer {
    if (!this.cognitoAuthorizer) {
      this.cognitoAuthorizer = new CognitoUserPoolsAuthorizer(this, 'Authorizer', {
        authorizerName: `${this.stackName}-cognito`,
        cognitoUserPools: [this.userPool],
        identitySource: IdentitySource.header(TOKEN_HEADER),
        resultsCacheTtl: Duration.seconds(AUTHORIZER_CACHE_SECONDS),
      });
      // CDK's construct does not expose it; the CloudFormation property is documented.
      (this.cognitoAuthorizer.node.defaultChild as CfnAuthorizer).identityValidationExpression =
        this.audienceExpression;
      api.latestDeployment?.addToLogicalId({ authorizerAudience: this.audienceExpression });
    }
    return this.cognitoAuthorizer;
  }

  /** The authorizer's token validation: the ID token's `aud` is exactly the app client's id. */
  get audienceExpression(): string {
    // A configured id is literal text (`+` is allowed in one); the stack's own is a reference.
    const id = Token.isUnresolved(this.userPoolClientId)
      ? this.userPoolClientId
      : this.userPoolClientId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return `^${id}$`;
  }
}

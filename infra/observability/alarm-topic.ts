import type { RemovalPolicy } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  readonly stackName: string;
  /** The key's: retained, or deleted with a throwaway stack. */
  readonly removalPolicy: RemovalPolicy;
  /** Subscribed by email when given (the address must confirm the subscription). */
  readonly email: string | undefined;
}

/**
 * The one SNS topic every alarm of the stack notifies, encrypted with a key of its own: the AWS
 * managed SNS key cannot be used, because its policy cannot be changed to let CloudWatch publish.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, { stackName, email, removalPolicy }: AlarmTopicProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `Encrypts the alarm notifications of ${stackName}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    // CloudWatch publishes alarm state changes to the encrypted topic, so it needs the data key.
    this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', {
      displayName: `${stackName} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    if (email) this.topic.addSubscription(new EmailSubscription(email));
  }
}

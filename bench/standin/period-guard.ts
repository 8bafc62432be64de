/**
 * The period guard's DynamoDB table on the local stand-in: GetItem, PutItem (with the guard's
 * claim condition and `attribute_not_exists`), DeleteItem (`ALL_OLD`) and Query (`begins_with`),
 * keyed on `pk`/`sk` of the `guard` table; puts to other tables (hold audit items) are kept in a
 * list. Register it after `FakeAccount.register`, whose PutItem/GetItem/DeleteItem it replaces.
 */
import { AwsError, type AwsStandin } from './server';

type Attr = { S?: string; N?: string; BOOL?: boolean; NULL?: boolean };
type Item = Record<string, Attr>;

const str = (a: Attr | undefined) => a?.S ?? a?.N ?? '';

export class GuardTableStandin {
  readonly items = new Map<string, Item>();
  readonly otherPuts: Item[] = [];

  constructor(private readonly tableName = 'guard') {}

  private key(k: Item): string {
    return `${str(k.pk)}|${str(k.sk)}`;
  }

  register(standin: AwsStandin): void {
    standin.on('DynamoDB_20120810.GetItem', (input) => {
      const item = this.items.get(this.key(input.Key as Item));
      return item ? { Item: item } : {};
    });
    standin.on('DynamoDB_20120810.PutItem', (input) => {
      const item = input.Item as Item;
      if (input.TableName !== this.tableName) {
        this.otherPuts.push(item);
        return {};
      }
      const key = this.key(item);
      const existing = this.items.get(key);
      const condition = String(input.ConditionExpression ?? '');
      const values = (input.ExpressionAttributeValues ?? {}) as Item;
      if (condition && existing) {
        // The claim condition (see DynamoGuardStore.claim) or plain attribute_not_exists(pk).
        const allowed =
          condition.includes('verdict <> :verdict') &&
          (str(existing.verdict) !== str(values[':verdict']) ||
            (str(existing.verdict) === 'act' &&
              Number(str(existing.claimedAt)) < Number(str(values[':leaseStart']))));
        if (!allowed)
          throw new AwsError('ConditionalCheckFailedException', 'The conditional request failed');
      }
      this.items.set(key, item);
      return {};
    });
    standin.on('DynamoDB_20120810.DeleteItem', (input) => {
      const key = this.key(input.Key as Item);
      const old = this.items.get(key);
      this.items.delete(key);
      return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
    });
    standin.on('DynamoDB_20120810.Query', (input) => {
      const values = (input.ExpressionAttributeValues ?? {}) as Item;
      const pk = str(values[':pk']);
      const prefix = str(values[':prefix']);
      return {
        Items: [...this.items.values()].filter(
          (i) => str(i.pk) === pk && str(i.sk).startsWith(prefix),
        ),
      };
    });
  }

  /** Claims of a project, by resource ARN. */
  claims(): Item[] {
    return [...this.items.values()].filter((i) => str(i.sk).startsWith('CLAIM#'));
  }
}

package group

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoDBStore is a [LeaseStore] in a DynamoDB table, for workers on many machines. Each lease
// is one item keyed by the group (partition key "group") and the stream (sort key "stream");
// every change is an UpdateItem conditional on the owner and counter read before, as the
// Kinesis Client Library does, and reads are strongly consistent. [DynamoDBStore.CreateTable]
// makes the table when asked; the store never creates it behind the caller's back.
type DynamoDBStore struct {
	client *dynamodb.Client
	table  string
}

// NewDynamoDBStore returns the store in the named table.
func NewDynamoDBStore(client *dynamodb.Client, table string) (*DynamoDBStore, error) {
	if client == nil || table == "" {
		return nil, errors.New("group: NewDynamoDBStore needs a DynamoDB client and a table name")
	}
	return &DynamoDBStore{client: client, table: table}, nil
}

// Table returns the name of the store's table.
func (s *DynamoDBStore) Table() string { return s.table }

// Attribute names of a lease item.
const (
	attrGroup     = "group"
	attrStream    = "stream"
	attrOwner     = "owner"
	attrCounter   = "counter"
	attrPending   = "pendingOwner"
	attrToken     = "checkpointToken"
	attrFragment  = "checkpointFragment"
	attrProducer  = "checkpointProducerMillis"
	attrServer    = "checkpointServerMillis"
	attrSavedAt   = "checkpointSavedMillis"
	attrSavedBy   = "checkpointSavedBy"
	tableWaitTime = 2 * time.Minute
)

// CreateTable creates the table (on-demand capacity) unless it exists, and waits until it is
// ACTIVE.
func (s *DynamoDBStore) CreateTable(ctx context.Context) error {
	_, err := s.client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String(s.table),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String(attrGroup), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String(attrStream), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(attrGroup), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(attrStream), KeyType: types.KeyTypeRange},
		},
		BillingMode: types.BillingModePayPerRequest,
	})
	var inUse *types.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return fmt.Errorf("group: creating DynamoDB table %s: %w", s.table, err)
	}
	if err := dynamodb.NewTableExistsWaiter(s.client, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 200*time.Millisecond, 5*time.Second
	}).Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(s.table)}, tableWaitTime); err != nil {
		return fmt.Errorf("group: waiting for DynamoDB table %s: %w", s.table, err)
	}
	return nil
}

func key(group, stream string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrGroup: str(group), attrStream: str(stream)}
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.UnixMilli(n).UTC()
}

// decodeLease reads a lease item.
func decodeLease(item map[string]types.AttributeValue) (Lease, error) {
	var bad error
	s := func(name string) string {
		switch v := item[name].(type) {
		case nil:
			return ""
		case *types.AttributeValueMemberS:
			return v.Value
		default:
			bad = fmt.Errorf("attribute %s is %T, want a string", name, v)
			return ""
		}
	}
	n := func(name string) int64 {
		switch v := item[name].(type) {
		case nil:
			return 0
		case *types.AttributeValueMemberN:
			x, err := strconv.ParseInt(v.Value, 10, 64)
			if err != nil {
				bad = fmt.Errorf("attribute %s: %w", name, err)
			}
			return x
		default:
			bad = fmt.Errorf("attribute %s is %T, want a number", name, v)
			return 0
		}
	}
	l := Lease{Group: s(attrGroup), Stream: s(attrStream), Owner: s(attrOwner), Counter: n(attrCounter), PendingOwner: s(attrPending),
		Checkpoint: Checkpoint{ContinuationToken: s(attrToken), FragmentNumber: s(attrFragment),
			ProducerTimestamp: fromMillis(n(attrProducer)), ServerTimestamp: fromMillis(n(attrServer)),
			SavedAt: fromMillis(n(attrSavedAt)), SavedBy: s(attrSavedBy)}}
	if bad != nil {
		return Lease{}, fmt.Errorf("group: the lease item of stream %q in group %q is malformed: %w", l.Stream, l.Group, bad)
	}
	return l, nil
}

// ListLeases returns every lease of a group, in stream-name order.
func (s *DynamoDBStore) ListLeases(ctx context.Context, group string) ([]Lease, error) {
	p := dynamodb.NewQueryPaginator(s.client, &dynamodb.QueryInput{
		TableName: aws.String(s.table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("#g = :g"),
		ExpressionAttributeNames:  map[string]string{"#g": attrGroup},
		ExpressionAttributeValues: map[string]types.AttributeValue{":g": str(group)},
	})
	var out []Lease
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("group: listing the leases of group %q in %s: %w", group, s.table, err)
		}
		for _, item := range page.Items {
			l, err := decodeLease(item)
			if err != nil {
				return nil, err
			}
			out = append(out, l)
		}
	}
	return out, nil
}

// CreateLease adds an unowned lease for the stream, unless the group has one.
func (s *DynamoDBStore) CreateLease(ctx context.Context, group, stream string) error {
	if group == "" || stream == "" {
		return errors.New("group: CreateLease needs a group and a stream name")
	}
	item := key(group, stream)
	item[attrCounter] = num(0)
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: item,
		ConditionExpression:      aws.String("attribute_not_exists(#s)"),
		ExpressionAttributeNames: map[string]string{"#s": attrStream}})
	var failed *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &failed) {
		return fmt.Errorf("group: creating the lease of stream %q in group %q: %w", stream, group, err)
	}
	return nil
}

// update is one change of a lease item: the attributes to set (nil values are removed).
type update map[string]types.AttributeValue

// expression returns the update expression that sets the attributes of u (and removes those
// whose value is nil) after first, adding their names and values to the maps; an attribute
// that already has a name in names keeps it.
func (u update) expression(names map[string]string, values map[string]types.AttributeValue, first string) string {
	alias := make(map[string]string, len(names))
	for n, attr := range names {
		alias[attr] = n
	}
	sets, removes := []string{first}, []string(nil)
	i := 0
	for attr, v := range u {
		i++
		n, ok := alias[attr]
		if !ok {
			n = fmt.Sprintf("#a%d", i)
			names[n] = attr
		}
		if v == nil {
			removes = append(removes, n)
			continue
		}
		vn := fmt.Sprintf(":v%d", i)
		values[vn] = v
		sets = append(sets, n+" = "+vn)
	}
	expr := "SET " + strings.Join(sets, ", ")
	if len(removes) > 0 {
		expr += " REMOVE " + strings.Join(removes, ", ")
	}
	return expr
}

// change writes u to the lease of l, on the condition that its owner and counter are l's, and
// increments the counter.
func (s *DynamoDBStore) change(ctx context.Context, op string, l Lease, u update) (Lease, error) {
	names := map[string]string{"#c": attrCounter, "#o": attrOwner}
	values := map[string]types.AttributeValue{":c": num(l.Counter), ":one": num(1)}
	cond := "#c = :c AND attribute_not_exists(#o)"
	if l.Owner != "" {
		cond = "#c = :c AND #o = :o"
		values[":o"] = str(l.Owner)
	}
	expr := u.expression(names, values, "#c = #c + :one")
	out, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.table), Key: key(l.Group, l.Stream),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values, ReturnValues: types.ReturnValueAllNew})
	var failed *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &failed):
		return Lease{}, ErrLeaseLost
	case err != nil:
		return Lease{}, fmt.Errorf("group: %s of stream %q in group %q: %w", op, l.Stream, l.Group, err)
	}
	return decodeLease(out.Attributes)
}

// orRemove is the value of an attribute that is removed when empty.
func orRemove(s string) types.AttributeValue {
	if s == "" {
		return nil
	}
	return str(s)
}

// TakeLease makes owner the owner of l, clearing any pending owner.
func (s *DynamoDBStore) TakeLease(ctx context.Context, l Lease, owner string) (Lease, error) {
	return s.change(ctx, "taking the lease", l, update{attrOwner: orRemove(owner), attrPending: nil})
}

// RenewLease proves the owner alive.
func (s *DynamoDBStore) RenewLease(ctx context.Context, l Lease) (Lease, error) {
	return s.change(ctx, "renewing the lease", l, nil)
}

// RequestHandoff asks the owner of l to hand it over to owner.
func (s *DynamoDBStore) RequestHandoff(ctx context.Context, l Lease, owner string) (Lease, error) {
	return s.change(ctx, "requesting the lease", l, update{attrPending: orRemove(owner)})
}

// UpdateCheckpoint writes the checkpoint of l, for its owner.
func (s *DynamoDBStore) UpdateCheckpoint(ctx context.Context, l Lease, cp Checkpoint) (Lease, error) {
	return s.change(ctx, "checkpointing", l, checkpointUpdate(cp))
}

// ReleaseLease gives l up: to its pending owner if it has one, else to nobody.
func (s *DynamoDBStore) ReleaseLease(ctx context.Context, l Lease) (Lease, error) {
	return s.change(ctx, "releasing the lease", l, update{attrOwner: orRemove(l.PendingOwner), attrPending: nil})
}

func checkpointUpdate(cp Checkpoint) update {
	return update{attrToken: orRemove(cp.ContinuationToken), attrFragment: orRemove(cp.FragmentNumber),
		attrProducer: num(millis(cp.ProducerTimestamp)), attrServer: num(millis(cp.ServerTimestamp)),
		attrSavedAt: num(millis(cp.SavedAt)), attrSavedBy: orRemove(cp.SavedBy)}
}

// GetLease returns the lease of a stream.
func (s *DynamoDBStore) GetLease(ctx context.Context, group, stream string) (Lease, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: key(group, stream), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return Lease{}, fmt.Errorf("group: reading the lease of stream %q in group %q: %w", stream, group, err)
	}
	if out.Item == nil {
		return Lease{Group: group, Stream: stream}, nil
	}
	return decodeLease(out.Item)
}

// LoadCheckpoint returns the group's checkpoint in the stream.
func (s *DynamoDBStore) LoadCheckpoint(ctx context.Context, group, stream string) (Checkpoint, error) {
	l, err := s.GetLease(ctx, group, stream)
	return l.Checkpoint, err
}

// SaveCheckpoint writes the group's checkpoint in the stream, whoever holds its lease.
func (s *DynamoDBStore) SaveCheckpoint(ctx context.Context, group, stream string, cp Checkpoint) error {
	if group == "" || stream == "" {
		return errors.New("group: SaveCheckpoint needs a group and a stream name")
	}
	names := map[string]string{"#c": attrCounter}
	values := map[string]types.AttributeValue{":one": num(1), ":zero": num(0)}
	expr := checkpointUpdate(cp).expression(names, values, "#c = if_not_exists(#c, :zero) + :one")
	_, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.table), Key: key(group, stream),
		UpdateExpression: aws.String(expr), ExpressionAttributeNames: names, ExpressionAttributeValues: values})
	if err != nil {
		return fmt.Errorf("group: saving the checkpoint of stream %q in group %q: %w", stream, group, err)
	}
	return nil
}

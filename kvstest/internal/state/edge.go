// Edge agent configurations: StartEdgeConfigurationUpdate, DescribeEdgeConfiguration,
// DeleteEdgeConfiguration and ListEdgeAgentConfigurations.
//
// No edge agent runs against the emulator: a configuration is SYNCING for Delays.EdgeSync, then
// IN_SYNC, and reports no agent status.

package state

import (
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

// defaultListEdgeConfigs is the page size of ListEdgeAgentConfigurations when MaxResults is
// absent.
const defaultListEdgeConfigs = 5

// Edge is the edge configuration of a stream. It is replaced, never changed in place.
type Edge struct {
	config   kvs.EdgeConfig
	created  time.Time
	updated  time.Time
	syncedAt time.Time // SYNCING before, IN_SYNC from then on
	deleting bool
	goneAt   time.Time
}

func (ed *Edge) syncStatus(now time.Time) kvs.SyncStatus {
	switch {
	case ed.deleting:
		return kvs.SyncStatusDeleting
	case now.Before(ed.syncedAt):
		return kvs.SyncStatusSyncing
	}
	return kvs.SyncStatusInSync
}

// purgeEdge removes the stream's edge configuration once its deletion has completed.
func (st *Stream[M]) purgeEdge(now time.Time) {
	if ed := st.Edge; ed != nil && ed.deleting && !now.Before(ed.goneAt) {
		st.Edge = nil
	}
}

// DescribeEdge describes the stream's edge configuration at now.
func (st *Stream[M]) DescribeEdge(now time.Time) kvs.ListEdgeAgentConfigurationsEdgeConfig {
	ed := st.Edge
	return kvs.ListEdgeAgentConfigurationsEdgeConfig{
		StreamName:      st.Name,
		StreamARN:       st.ARN,
		CreationTime:    ed.created,
		LastUpdatedTime: ed.updated,
		SyncStatus:      ed.syncStatus(now),
		EdgeConfig:      ed.config,
	}
}

// StartEdgeConfigurationUpdate is the StartEdgeConfigurationUpdate operation.
func (s *State[M]) StartEdgeConfigurationUpdate(now time.Time, in *kvs.StartEdgeConfigurationUpdateInput) (*kvs.StartEdgeConfigurationUpdateOutput, *apierr.Error) {
	st, e := s.FindStream(in.StreamName, in.StreamARN)
	if e == nil {
		e = st.RequireActive(now)
	}
	if e == nil {
		e = apierr.CheckPattern(hubDeviceARNPattern, "EdgeConfig.HubDeviceArn", in.EdgeConfig.HubDeviceArn)
	}
	if e == nil {
		e = apierr.CheckPattern(secretARNPattern, "EdgeConfig.RecorderConfig.MediaSourceConfig.MediaUriSecretArn",
			in.EdgeConfig.RecorderConfig.MediaSourceConfig.MediaUriSecretArn)
	}
	if e != nil {
		return nil, e
	}
	if st.Retention == 0 {
		return nil, apierr.NoDataRetention("The stream %s keeps no data (DataRetentionInHours is 0), so the edge agent cannot upload to it.", st.Name)
	}
	created := now
	if ed := st.Edge; ed != nil {
		if status := ed.syncStatus(now); status == kvs.SyncStatusSyncing || status == kvs.SyncStatusDeleting {
			return nil, apierr.ResourceInUse("The edge configuration of stream %s is %s; update it once that ends.", st.Name, status)
		}
		if ed.config.HubDeviceArn != in.EdgeConfig.HubDeviceArn {
			return nil, apierr.InvalidArgument("The edge configuration of stream %s belongs to hub device %s; delete it before configuring another device.",
				st.Name, ed.config.HubDeviceArn)
		}
		created = ed.created
	}
	st.Edge = &Edge{config: in.EdgeConfig, created: created, updated: now, syncedAt: now.Add(s.cfg.Delays.EdgeSync)}
	out := kvs.StartEdgeConfigurationUpdateOutput(st.DescribeEdge(now))
	out.SyncStatus = kvs.SyncStatusSyncing // the answer of the call, whatever Delays.EdgeSync is
	return &out, nil
}

// findEdge finds a stream that has an edge configuration.
func (s *State[M]) findEdge(name, arn string) (*Stream[M], *apierr.Error) {
	st, e := s.FindStream(name, arn)
	if e != nil {
		return nil, e
	}
	if st.Edge == nil {
		return nil, apierr.EdgeConfigNotFound("The stream %s has no edge configuration.", st.Name)
	}
	return st, nil
}

// DescribeEdgeConfiguration is the DescribeEdgeConfiguration operation.
func (s *State[M]) DescribeEdgeConfiguration(now time.Time, in *kvs.DescribeEdgeConfigurationInput) (*kvs.DescribeEdgeConfigurationOutput, *apierr.Error) {
	st, e := s.findEdge(in.StreamName, in.StreamARN)
	if e != nil {
		return nil, e
	}
	d := st.DescribeEdge(now)
	return &kvs.DescribeEdgeConfigurationOutput{
		StreamName:      d.StreamName,
		StreamARN:       d.StreamARN,
		CreationTime:    d.CreationTime,
		LastUpdatedTime: d.LastUpdatedTime,
		SyncStatus:      d.SyncStatus,
		EdgeConfig:      d.EdgeConfig,
	}, nil
}

// DeleteEdgeConfiguration is the DeleteEdgeConfiguration operation.
func (s *State[M]) DeleteEdgeConfiguration(now time.Time, in *kvs.DeleteEdgeConfigurationInput) (*kvs.DeleteEdgeConfigurationOutput, *apierr.Error) {
	st, e := s.findEdge(in.StreamName, in.StreamARN)
	if e != nil {
		return nil, e
	}
	if !st.Edge.deleting {
		ed := *st.Edge
		ed.deleting, ed.updated, ed.goneAt = true, now, now.Add(s.cfg.Delays.EdgeDelete)
		st.Edge = &ed
		st.purgeEdge(now)
	}
	return &kvs.DeleteEdgeConfigurationOutput{}, nil
}

// ListEdgeAgentConfigurations is the ListEdgeAgentConfigurations operation.
func (s *State[M]) ListEdgeAgentConfigurations(now time.Time, in *kvs.ListEdgeAgentConfigurationsInput) (*kvs.ListEdgeAgentConfigurationsOutput, *apierr.Error) {
	if e := apierr.CheckPattern(hubDeviceARNPattern, "HubDeviceArn", in.HubDeviceArn); e != nil {
		return nil, e
	}
	var configs []kvs.ListEdgeAgentConfigurationsEdgeConfig
	for _, st := range s.Streams.ByName {
		if st.Edge != nil && st.Edge.config.HubDeviceArn == in.HubDeviceArn {
			configs = append(configs, st.DescribeEdge(now))
		}
	}
	page, next, e := paginate(s, "ListEdgeAgentConfigurations", in.NextToken, pageSize(in.MaxResults, defaultListEdgeConfigs), configs,
		func(c kvs.ListEdgeAgentConfigurationsEdgeConfig) string { return c.StreamName })
	if e != nil {
		return nil, e
	}
	return &kvs.ListEdgeAgentConfigurationsOutput{EdgeConfigs: page, NextToken: next}, nil
}

// Edge agent configurations: StartEdgeConfigurationUpdate, DescribeEdgeConfiguration,
// DeleteEdgeConfiguration and ListEdgeAgentConfigurations.
//
// No edge agent runs against the emulator: a configuration is SYNCING for Delays.EdgeSync, then
// IN_SYNC, and reports no agent status.

package kvstest

import (
	"time"

	"github.com/kvsgo/sdk/kvs"
	"github.com/kvsgo/sdk/kvstest/internal/apierr"
)

func init() {
	controlOp("/startEdgeConfigurationUpdate", "StartEdgeConfigurationUpdate", (*Server).startEdgeConfigurationUpdate)
	controlOp("/describeEdgeConfiguration", "DescribeEdgeConfiguration", (*Server).describeEdgeConfiguration)
	controlOp("/deleteEdgeConfiguration", "DeleteEdgeConfiguration", (*Server).deleteEdgeConfiguration)
	controlOp("/listEdgeAgentConfigurations", "ListEdgeAgentConfigurations", (*Server).listEdgeAgentConfigurations)
}

// defaultListEdgeConfigs is the page size of ListEdgeAgentConfigurations when MaxResults is
// absent.
const defaultListEdgeConfigs = 5

// edgeState is the edge configuration of a stream. It is replaced, never changed in place.
type edgeState struct {
	config   kvs.EdgeConfig
	created  time.Time
	updated  time.Time
	syncedAt time.Time // SYNCING before, IN_SYNC from then on
	deleting bool
	goneAt   time.Time
}

func (ed *edgeState) syncStatus(now time.Time) kvs.SyncStatus {
	switch {
	case ed.deleting:
		return kvs.SyncStatusDeleting
	case now.Before(ed.syncedAt):
		return kvs.SyncStatusSyncing
	}
	return kvs.SyncStatusInSync
}

// purgeEdge removes the stream's edge configuration once its deletion has completed.
func (st *stream) purgeEdge(now time.Time) {
	if ed := st.edge; ed != nil && ed.deleting && !now.Before(ed.goneAt) {
		st.edge = nil
	}
}

// describeEdge describes the stream's edge configuration at now.
func (st *stream) describeEdge(now time.Time) kvs.ListEdgeAgentConfigurationsEdgeConfig {
	ed := st.edge
	return kvs.ListEdgeAgentConfigurationsEdgeConfig{
		StreamName:      st.name,
		StreamARN:       st.arn,
		CreationTime:    ed.created,
		LastUpdatedTime: ed.updated,
		SyncStatus:      ed.syncStatus(now),
		EdgeConfig:      ed.config,
	}
}

func (s *Server) startEdgeConfigurationUpdate(now time.Time, in *kvs.StartEdgeConfigurationUpdateInput) (*kvs.StartEdgeConfigurationUpdateOutput, *apierr.Error) {
	st, e := s.findStream(in.StreamName, in.StreamARN)
	if e == nil {
		e = st.requireActive(now)
	}
	if e == nil {
		e = checkPattern(hubDeviceARNPattern, "EdgeConfig.HubDeviceArn", in.EdgeConfig.HubDeviceArn)
	}
	if e == nil {
		e = checkPattern(secretARNPattern, "EdgeConfig.RecorderConfig.MediaSourceConfig.MediaUriSecretArn",
			in.EdgeConfig.RecorderConfig.MediaSourceConfig.MediaUriSecretArn)
	}
	if e != nil {
		return nil, e
	}
	if st.retention == 0 {
		return nil, apierr.NoDataRetention("The stream %s keeps no data (DataRetentionInHours is 0), so the edge agent cannot upload to it.", st.name)
	}
	created := now
	if ed := st.edge; ed != nil {
		if status := ed.syncStatus(now); status == kvs.SyncStatusSyncing || status == kvs.SyncStatusDeleting {
			return nil, apierr.ResourceInUse("The edge configuration of stream %s is %s; update it once that ends.", st.name, status)
		}
		if ed.config.HubDeviceArn != in.EdgeConfig.HubDeviceArn {
			return nil, apierr.InvalidArgument("The edge configuration of stream %s belongs to hub device %s; delete it before configuring another device.",
				st.name, ed.config.HubDeviceArn)
		}
		created = ed.created
	}
	st.edge = &edgeState{config: in.EdgeConfig, created: created, updated: now, syncedAt: now.Add(s.opts.delays.EdgeSync)}
	out := kvs.StartEdgeConfigurationUpdateOutput(st.describeEdge(now))
	out.SyncStatus = kvs.SyncStatusSyncing // the answer of the call, whatever Delays.EdgeSync is
	return &out, nil
}

// findEdge finds a stream that has an edge configuration.
func (s *Server) findEdge(name, arn string) (*stream, *apierr.Error) {
	st, e := s.findStream(name, arn)
	if e != nil {
		return nil, e
	}
	if st.edge == nil {
		return nil, apierr.EdgeConfigNotFound("The stream %s has no edge configuration.", st.name)
	}
	return st, nil
}

func (s *Server) describeEdgeConfiguration(now time.Time, in *kvs.DescribeEdgeConfigurationInput) (*kvs.DescribeEdgeConfigurationOutput, *apierr.Error) {
	st, e := s.findEdge(in.StreamName, in.StreamARN)
	if e != nil {
		return nil, e
	}
	d := st.describeEdge(now)
	return &kvs.DescribeEdgeConfigurationOutput{
		StreamName:      d.StreamName,
		StreamARN:       d.StreamARN,
		CreationTime:    d.CreationTime,
		LastUpdatedTime: d.LastUpdatedTime,
		SyncStatus:      d.SyncStatus,
		EdgeConfig:      d.EdgeConfig,
	}, nil
}

func (s *Server) deleteEdgeConfiguration(now time.Time, in *kvs.DeleteEdgeConfigurationInput) (*kvs.DeleteEdgeConfigurationOutput, *apierr.Error) {
	st, e := s.findEdge(in.StreamName, in.StreamARN)
	if e != nil {
		return nil, e
	}
	if !st.edge.deleting {
		ed := *st.edge
		ed.deleting, ed.updated, ed.goneAt = true, now, now.Add(s.opts.delays.EdgeDelete)
		st.edge = &ed
		st.purgeEdge(now)
	}
	return &kvs.DeleteEdgeConfigurationOutput{}, nil
}

func (s *Server) listEdgeAgentConfigurations(now time.Time, in *kvs.ListEdgeAgentConfigurationsInput) (*kvs.ListEdgeAgentConfigurationsOutput, *apierr.Error) {
	if e := checkPattern(hubDeviceARNPattern, "HubDeviceArn", in.HubDeviceArn); e != nil {
		return nil, e
	}
	var configs []kvs.ListEdgeAgentConfigurationsEdgeConfig
	for _, st := range s.streams.byName {
		if st.edge != nil && st.edge.config.HubDeviceArn == in.HubDeviceArn {
			configs = append(configs, st.describeEdge(now))
		}
	}
	page, next, e := paginate(s, "ListEdgeAgentConfigurations", in.NextToken, pageSize(in.MaxResults, defaultListEdgeConfigs), configs,
		func(c kvs.ListEdgeAgentConfigurationsEdgeConfig) string { return c.StreamName })
	if e != nil {
		return nil, e
	}
	return &kvs.ListEdgeAgentConfigurationsOutput{EdgeConfigs: page, NextToken: next}, nil
}

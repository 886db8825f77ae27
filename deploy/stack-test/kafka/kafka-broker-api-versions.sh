#!/bin/sh
# What apache/kafka's script of this name runs: docker-compose.yml's health check for the kafka service.
exec java -Xmx128m -cp '/opt/kafka/libs/*' org.apache.kafka.tools.BrokerApiVersionsCommand "$@"

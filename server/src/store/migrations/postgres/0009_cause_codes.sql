-- Causes of action are stored as their codes (app::rules::filing::Cause::code), no longer
-- as their Chinese names: the fee rules read the typed cause, never search its name (a
-- 追索劳动报酬纠纷 was charged as a property case because its name does not contain 劳动争议).
UPDATE cases SET cause = 'private_lending' WHERE cause = '民间借贷纠纷';
UPDATE cases SET cause = 'sales_contract' WHERE cause = '买卖合同纠纷';
UPDATE cases SET cause = 'divorce' WHERE cause = '离婚纠纷';
UPDATE cases SET cause = 'labour_dispute' WHERE cause = '劳动争议';
UPDATE cases SET cause = 'traffic_accident' WHERE cause = '机动车交通事故责任纠纷';
UPDATE cases SET cause = 'property_service' WHERE cause = '物业服务合同纠纷';
UPDATE cases SET cause = 'unpaid_wages' WHERE cause = '追索劳动报酬纠纷';
